package dev.rafiki.stream.boundary;

import jakarta.websocket.Session;
import java.io.IOException;

/**
 * Writes text frames on one WebSocket, blocking until the connection took each: the container
 * allows one write at a time per connection, and a blocking write is what lets a subscription
 * notice a client that does not read (its bounded queue then overflows).
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

    /** For control frames: a client that is gone simply misses them. */
    void trySend(String text) {
        try {
            send(text);
        } catch (IOException | RuntimeException ignored) {
            // the connection is closing; its subscriptions notice on their next write
        }
    }
}
