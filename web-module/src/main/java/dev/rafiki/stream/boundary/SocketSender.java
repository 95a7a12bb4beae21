package dev.rafiki.stream.boundary;

import jakarta.websocket.Session;
import java.io.IOException;

/**
 * Writes text frames on one WebSocket, blocking until the connection took each: the container
 * allows one write at a time per connection, and a blocking write is what lets a subscription
 * notice a client that does not read (its bounded queue then overflows).
 */
final class SocketSender {

    private final Session session;

    SocketSender(Session session) {
        this.session = session;
    }

    void send(String text) throws IOException {
        synchronized (session) {
            if (!session.isOpen()) {
                throw new IOException("the WebSocket is closed");
            }
            session.getBasicRemote().sendText(text);
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
