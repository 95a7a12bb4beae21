package dev.rafiki.prompt.control;

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
 * after the terminal status is committed, so whoever is woken reads the final state.
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
        var futures = waiting.remove(finished.promptId());
        if (futures != null) {
            futures.forEach(f -> f.complete(null));
        }
    }

    int waitingCount() {
        return waiting.size();
    }
}
