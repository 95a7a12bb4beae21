package dev.rafiki.prompt.entity;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A prompt's status, and the groups of statuses that queries ask about. Each group has one name
 * here, with its SQL and JPQL lists, so that no query writes its own list (two lists meant to say
 * the same thing drift: one learns of {@link #WAITING_APPROVAL}, the other does not).
 */
public enum PromptStatus {
    /** A delayed job's prompt before its time: not pending, joins the queue when due. */
    SCHEDULED, QUEUED, RUNNING,
    /** Holds its session while a person decides on a tool call its model asked for; not pending, not ended. */
    WAITING_APPROVAL, COMPLETED, FAILED, CANCELLED;

    /**
     * Work for the session's claim holder: what a worker takes next (the lowest {@code seq}), what
     * keeps it from giving its claim up, what the sweeper wakes a session without a live claim
     * for, what the queue-depth gauges count. Not {@link #WAITING_APPROVAL}: nothing can be done
     * until a person decides, and its session's claim is parked on it (no worker, fast lane or
     * sweeper takes the session meanwhile); the decision sets it {@link #RUNNING} and wakes the
     * session. Not {@link #SCHEDULED}: not due yet. These are the statuses of the partial index
     * {@code prompt_pending_idx}, which serves the queries that use {@link #RUNNABLE_SQL}.
     */
    public static final Set<PromptStatus> RUNNABLE = Collections.unmodifiableSet(EnumSet.of(QUEUED, RUNNING));

    /**
     * Occupies its session: the session is busy (its view says {@code running}, a new prompt meets
     * the busy policy, its queue view lists them) and its workspace is in use. A prompt waiting for
     * a person is in: it holds the session's queue, and the prompts behind it wait for it.
     * {@link #SCHEDULED} is out: a delayed job does not hold its session before its time.
     */
    public static final Set<PromptStatus> ACTIVE = Collections.unmodifiableSet(EnumSet.of(QUEUED, RUNNING, WAITING_APPROVAL));

    /**
     * Started and not ended: at most one per session, the one its views name as running and a stop
     * cancels. Waiting for a person is in: the prompt did start and has not ended.
     */
    public static final Set<PromptStatus> IN_FLIGHT = Collections.unmodifiableSet(EnumSet.of(RUNNING, WAITING_APPROVAL));

    /** {@link #RUNNABLE} as an SQL list of literals, e.g. {@code ('queued', 'running')}. */
    public static final String RUNNABLE_SQL = sql(RUNNABLE);
    /** {@link #ACTIVE} as an SQL list of literals. */
    public static final String ACTIVE_SQL = sql(ACTIVE);
    /** {@link #RUNNABLE} as a JPQL list of enum literals. */
    public static final String RUNNABLE_JPQL = jpql(RUNNABLE);
    /** {@link #ACTIVE} as a JPQL list of enum literals. */
    public static final String ACTIVE_JPQL = jpql(ACTIVE);

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The spelling stored in the database and shown in the API. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Literals, not bind parameters: PostgreSQL uses a partial index only for a query whose
     * condition implies the index's, which a generic plan with parameters never does.
     */
    private static String sql(Set<PromptStatus> statuses) {
        return statuses.stream().map(s -> "'" + s.wire() + "'").collect(Collectors.joining(", ", "(", ")"));
    }

    private static String jpql(Set<PromptStatus> statuses) {
        return statuses.stream().map(s -> PromptStatus.class.getName() + "." + s.name())
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
