package dev.rafiki.event.boundary;

import jakarta.websocket.Session;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends text frames on one WebSocket one at a time (the container allows one asynchronous send
 * in flight per connection), in the order they were handed over, from any thread.
 */
final class SocketSender {

    private record Pending(String text, CompletableFuture<Void> done) {
    }

    private final Session session;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean sending;

    SocketSender(Session session) {
        this.session = session;
    }

    CompletionStage<Void> send(String text) {
        var pending = new Pending(text, new CompletableFuture<>());
        boolean start;
        synchronized (this) {
            queue.add(pending);
            start = !sending;
            sending = true;
        }
        if (start) {
            next();
        }
        return pending.done();
    }

    private void next() {
        Pending pending;
        synchronized (this) {
            pending = queue.poll();
            if (pending == null) {
                sending = false;
                return;
            }
        }
        if (!session.isOpen()) {
            pending.done().completeExceptionally(new IllegalStateException("closed"));
            next();
            return;
        }
        try {
            session.getAsyncRemote().sendText(pending.text(), result -> {
                if (result.isOK()) {
                    pending.done().complete(null);
                } else {
                    pending.done().completeExceptionally(result.getException());
                }
                next();
            });
        } catch (RuntimeException e) {
            pending.done().completeExceptionally(e);
            next();
        }
    }
}
