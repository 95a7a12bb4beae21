package dev.rafiki.client;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Picks one prompt's events out of its session's stream. The stream is open before the prompt is
 * sent, so its first events may come before its id is known: those wait here until it is.
 */
final class PromptFollower implements EventListener {

    private final EventListener listener;
    private final CompletableFuture<Prompt> result;
    private final List<Event> early = new ArrayList<>();
    private UUID promptId;
    private Function<UUID, CompletableFuture<Prompt>> ended;

    PromptFollower(EventListener listener, CompletableFuture<Prompt> result) {
        this.listener = listener;
        this.result = result;
    }

    /** The prompt was accepted: its events so far go out, then the rest as they come (in order: one lock). */
    synchronized void follow(UUID accepted, Function<UUID, CompletableFuture<Prompt>> read) {
        promptId = accepted;
        ended = read;
        early.forEach(this::deliver);
        early.clear();
    }

    @Override
    public synchronized void onEvent(Event event) {
        if (promptId == null) {
            early.add(event);
        } else {
            deliver(event);
        }
    }

    @Override
    public void onError(RafikiException failure) {
        try {
            listener.onError(failure);
        } finally {
            result.completeExceptionally(failure);
        }
    }

    @Override
    public void onDisconnect(long cursor, Throwable cause) {
        listener.onDisconnect(cursor, cause);
    }

    private void deliver(Event event) {
        if (result.isDone() || !promptId.equals(event.promptId())) {
            return;
        }
        listener.onEvent(event);
        if (event.endsPrompt()) {
            ended.apply(promptId).whenComplete((prompt, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure.getCause() != null ? failure.getCause() : failure);
                } else {
                    result.complete(prompt);
                }
            });
        }
    }
}
