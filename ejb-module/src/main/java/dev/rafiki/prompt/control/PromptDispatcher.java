package dev.rafiki.prompt.control;

import dev.rafiki.platform.messaging.Destinations;
import dev.rafiki.platform.tracing.Tracing;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.UUID;

/**
 * Sends the wake-up for a session's worker, never inside a database transaction: a JMS send
 * enlisted with the database makes the transaction XA (a two-phase commit and broker syncs on
 * every prompt). Instead the wake goes out after the commit that made the work visible; one lost
 * to a crash in between is harmless because the queue itself lives in the database and the
 * {@link QueueSweeper} wakes any session with pending work and no live claim.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PromptDispatcher {

    @Resource(lookup = Destinations.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @Resource(lookup = Destinations.PROMPT_QUEUE)
    Queue prompts;

    /** JMS property with the W3C trace context of the wake-up's sender. */
    public static final String TRACEPARENT = "traceparent";

    @Inject
    Tracing tracing;

    @Inject
    Event<Wake> wakes;

    /** A wake-up to send once the current transaction committed (at once when there is none). */
    public record Wake(UUID sessionId) {
    }

    /**
     * Wakes the session's worker once the caller's transaction has committed. SUPPORTS, unlike the
     * rest of the bean: the event must be fired inside the caller's transaction for its
     * AFTER_SUCCESS observer to wait for that commit; fired with the transaction suspended, the
     * wake-up left at once and the worker found nothing yet, leaving the work to the sweeper.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public void wakeAfterCommit(UUID sessionId) {
        wakes.fire(new Wake(sessionId));
    }

    public void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Wake wake) {
        try {
            wake(wake.sessionId());
        } catch (RuntimeException e) {
            // the sweeper finds the session's pending work
            java.util.logging.Logger.getLogger(PromptDispatcher.class.getName())
                    .warning(() -> "wake-up of session " + wake.sessionId() + " not sent: " + e.getMessage());
        }
    }

    public void wake(UUID sessionId) {
        // The adapter does not implement JMSContext (PLATFORM-NOTES), hence the classic API.
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            var message = session.createTextMessage(sessionId.toString());
            var traceparent = tracing.traceparent();
            if (traceparent != null) {
                // the worker's spans join the trace of whoever queued the work, on whichever node
                message.setStringProperty(TRACEPARENT, traceparent);
            }
            session.createProducer(prompts).send(message);
        } catch (JMSException e) {
            throw new IllegalStateException("could not enqueue the wake-up of session " + sessionId, e);
        }
    }
}
