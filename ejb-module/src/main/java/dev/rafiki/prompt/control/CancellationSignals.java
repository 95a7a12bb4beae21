package dev.rafiki.prompt.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells a running model to stop once its prompt was given a terminal status by someone else
 * (stop, interrupt, queue removal). The status in the database is the decision; this only
 * shortens the work that can no longer count.
 */
@ApplicationScoped
public class CancellationSignals {

    private final Map<UUID, AtomicBoolean> running = new ConcurrentHashMap<>();

    public AtomicBoolean register(UUID promptId) {
        return running.computeIfAbsent(promptId, id -> new AtomicBoolean());
    }

    public void unregister(UUID promptId) {
        running.remove(promptId);
    }

    /**
     * A prompt reached its terminal status on another node (stop or cancel sent there): if it runs
     * here, its model stops now rather than at its end, where fencing would drop its result anyway.
     */
    void onEndedElsewhere(@jakarta.enterprise.event.Observes dev.rafiki.event.control.PromptEndedElsewhere ended) {
        finishedElsewhere(ended.promptId());
    }

    public void finishedElsewhere(UUID promptId) {
        var flag = running.get(promptId);
        if (flag != null) {
            flag.set(true);
        }
    }

    void onFinished(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromptFinished finished) {
        var flag = running.get(finished.promptId());
        if (flag != null) {
            flag.set(true);
        }
    }
}
