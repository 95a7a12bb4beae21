package dev.rafiki.client;

import jakarta.json.JsonObject;
import java.io.IOException;

/** Frames in and out of one WebSocket connection, as JSON objects; tests script them without a socket. */
interface Frames extends AutoCloseable {

    void send(String frame);

    /**
     * The next frame; null when the server closed the socket (a restart, a 4008 for a subscriber
     * that fell behind).
     *
     * @throws IOException the connection dropped, or stayed silent longer than the idle timeout
     */
    JsonObject next() throws IOException;

    /** Drops the connection; may be called from another thread while {@link #next()} waits. */
    @Override
    void close();

    /** Makes a connection; {@code activity} is run whenever something arrives. */
    @FunctionalInterface
    interface Connector {
        /** @throws RafikiException when the handshake is refused; IOException when the server cannot be reached */
        Frames connect(Runnable activity) throws IOException;
    }
}
