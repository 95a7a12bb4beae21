package dev.rafiki.client;

/** Receives a stream's events, each once, in order, on the stream's own thread. */
@FunctionalInterface
public interface EventListener {

    void onEvent(Event event);

    /** The stream ended for good: refused by the server (a token without access, a session that is gone…). */
    default void onError(RafikiException failure) {
    }

    /** The connection dropped; the stream reconnects from {@code cursor} by itself. */
    default void onDisconnect(long cursor, Throwable cause) {
    }
}
