package dev.rafiki.platform.messaging;

/**
 * Names of the application's JMS resources, defined once by {@link Messaging}; the MDBs name their
 * destinations with these constants too. The resource adapter is the ActiveMQ Classic RAR deployed
 * beside the application as {@code activemq-rar}, and its broker (embedded or external) is
 * container configuration. On WildFly a pooled connection factory named {@code activemq-rar}
 * stands for it, and the destinations are created in WildFly's own Artemis (README, "Deploying
 * the EAR on WildFly").
 */
public final class Destinations {

    public static final String RESOURCE_ADAPTER = "activemq-rar";
    public static final String CONNECTION_FACTORY = "java:app/jms/rafiki";
    public static final String PROMPT_QUEUE = "java:app/jms/prompts";
    /** Wakes the worker of one session; the body is the session id. */
    public static final String PROMPT_QUEUE_PHYSICAL = "RAFIKI.PROMPTS";
    /** Announces committed events to every node. */
    public static final String EVENT_TOPIC = "java:app/jms/events";
    public static final String EVENT_TOPIC_PHYSICAL = "RAFIKI.EVENTS";
    /** Jobs that failed after their last attempt. */
    public static final String JOB_DEAD_LETTER_QUEUE = "java:app/jms/jobs-dead-letter";
    public static final String JOB_DEAD_LETTER_QUEUE_PHYSICAL = "RAFIKI.JOBS.DLQ";

    private Destinations() {
    }
}
