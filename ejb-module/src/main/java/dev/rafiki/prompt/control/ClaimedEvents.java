package dev.rafiki.prompt.control;

import dev.rafiki.event.control.SessionEvent;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * A running prompt's events on their way to the log: gathered into group-commit units, each
 * fenced by the runner's claim on the session, so a runner that lost its claim writes nothing.
 * Units go out in order; events keep the order they were emitted in. A prompt's deltas that end
 * up in one unit are one delta: they could not be seen apart.
 */
final class ClaimedEvents implements PromptEventListener.Sink {

    private final GroupCommit commits;
    private final UUID sessionId;
    private final String owner;
    private final String worker;
    private GroupCommit.Unit current;

    /** @param first an open unit to add events to while it is not sealed, or null */
    ClaimedEvents(GroupCommit commits, UUID sessionId, String owner, String worker, GroupCommit.Unit first) {
        this.commits = commits;
        this.sessionId = sessionId;
        this.owner = owner;
        this.worker = worker;
        this.current = first;
    }

    @Override
    public void event(SessionEvent event) {
        if (current != null && (event instanceof SessionEvent.MessageDelta delta && current.extend(delta)
                                || current.event(event))) {
            return;
        }
        var next = commits.open(sessionId, owner);
        holds(next, sessionId, worker);
        next.event(event);
        current = next;
        commits.submit(next);
    }

    /**
     * Waits until every event so far is committed (or dropped by its fence).
     *
     * @return false when the claim was found lost
     */
    boolean awaitDurable() {
        if (current == null) {
            return true;
        }
        commits.submit(current);
        try {
            return current.done().join().applied();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The fence of a claimed writer: it still holds the session (and locks its row for the batch). */
    static void holds(GroupCommit.Unit unit, UUID sessionId, String worker) {
        unit.guard("UPDATE agent_session SET worker = worker WHERE id = ? AND worker = ?", (statement, at) -> {
            statement.setObject(at + 1, sessionId);
            statement.setString(at + 2, worker);
        });
    }
}
