package dev.rafiki.prompt.control;

import dev.rafiki.platform.config.NodeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets a request wait for a prompt's end without holding a thread. Completion is signalled only
 * after the terminal status is committed, so whoever is woken reads the final state. A prompt that
 * starts waiting for a person's decision on a tool call wakes its waiters too.
 */
@ApplicationScoped
public class PromptWaiters {

    private final Map<UUID, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /** The caller must re-read the prompt after registering: it may have finished just before. */
    public CompletableFuture<Void> await(UUID promptId) {
        var future = new CompletableFuture<Void>();
        waiting.computeIfAbsent(promptId, id -> new CopyOnWriteArrayList<>()).add(future);
        return future;
    }

    public void forget(UUID promptId, CompletableFuture<Void> future) {
        waiting.computeIfPresent(promptId, (id, list) -> {
            list.remove(future);
            return list.isEmpty() ? null : list;
        });
    }

    void onFinished(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromptFinished finished) {
        wake(finished.promptId());
    }

    /** A prompt that waits for a person's decision: whoever waits for it is answered now, not in an hour. */
    void onPaused(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromptPaused paused) {
        wake(paused.promptId());
    }

    /** The prompt ended on another node (its terminal event was announced on the cluster topic). */
    void onEndedElsewhere(@jakarta.enterprise.event.Observes dev.rafiki.event.control.PromptEndedElsewhere ended) {
        finishedElsewhere(ended.promptId());
    }

    void onWaitingElsewhere(@jakarta.enterprise.event.Observes dev.rafiki.event.control.PromptWaitingElsewhere waiting) {
        finishedElsewhere(waiting.promptId());
    }

    public void finishedElsewhere(UUID promptId) {
        wake(promptId);
    }

    private void wake(UUID promptId) {
        var futures = waiting.remove(promptId);
        if (futures != null) {
            futures.forEach(f -> f.complete(null));
        }
    }

    @jakarta.inject.Inject
    PromptLedger ledger;

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedScheduledExecutorService timer;

    @jakarta.inject.Inject
    NodeSettings nodeSettings;

    private java.util.concurrent.ScheduledFuture<?> recheck;

    /**
     * In a cluster a prompt may end on another node, whose announcement a broker outage can lose:
     * the prompts still waited for are looked up now and then, so no request waits past their end
     * for longer than this period.
     */
    @jakarta.annotation.PostConstruct
    void start() {
        if (nodeSettings.clustered) {
            recheck = timer.scheduleWithFixedDelay(this::recheck, 2, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (recheck != null) {
            recheck.cancel(false);
        }
    }

    private void recheck() {
        if (waiting.isEmpty()) {
            return;
        }
        try {
            ledger.finishedAmong(java.util.Set.copyOf(waiting.keySet())).forEach(this::wake);
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(PromptWaiters.class.getName())
                    .log(java.util.logging.Level.FINE, "re-check of waited-for prompts failed; next round retries", e);
        }
    }

    int waitingCount() {
        return waiting.size();
    }
}
