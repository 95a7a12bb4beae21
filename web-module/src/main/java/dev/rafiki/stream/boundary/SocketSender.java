package dev.rafiki.stream.boundary;

import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes text frames on one WebSocket: events asynchronously (a subscription has at most one in
 * flight and notices a client that does not read when its bounded queue overflows), control
 * frames blocking, one at a time.
 */
final class SocketSender {

    /**
     * The context class loader a write runs with. Payara's Tyrus restarts the session's idle timer
     * on a managed scheduled executor at every frame, and each submission there looks up thread
     * context providers with {@code ServiceLoader} on the context class loader: a scan of every
     * jar of the application and of the runtime (about 350), for a service no jar provides. With
     * a loader that sees only the JDK, the lookup costs next to nothing and finds the same nothing
     * (docs/platform-notes.md).
     */
    private static final ClassLoader JDK_ONLY = new ClassLoader(null) {
    };

    private final Session session;

    SocketSender(Session session) {
        this.session = session;
    }

    void send(String text) throws IOException {
        synchronized (session) {
            if (!session.isOpen()) {
                throw new IOException("the WebSocket is closed");
            }
            var thread = Thread.currentThread();
            var loader = thread.getContextClassLoader();
            thread.setContextClassLoader(JDK_ONLY);
            try {
                session.getBasicRemote().sendText(text);
            } finally {
                thread.setContextClassLoader(loader);
            }
        }
    }

    /** Starts a write without waiting for it; the stage completes when the connection took the frame. */
    CompletionStage<Void> sendAsync(String text) {
        var done = new CompletableFuture<Void>();
        if (!session.isOpen()) {
            done.completeExceptionally(new IOException("the WebSocket is closed"));
            return done;
        }
        var thread = Thread.currentThread();
        var loader = thread.getContextClassLoader();
        thread.setContextClassLoader(JDK_ONLY);
        try {
            session.getAsyncRemote().sendText(text, result -> {
                if (result.isOK()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(result.getException());
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        } finally {
            thread.setContextClassLoader(loader);
        }
        return done;
    }

    /** For control frames: a client that is gone simply misses them. */
    void trySend(String text) {
        try {
            send(text);
        } catch (IOException | RuntimeException ignored) {
            // the connection is closing; its subscriptions notice on their next write
        }
    }
}
