package dev.rafiki.client;

import java.io.IOException;

/**
 * One connection's worth of an event stream, whatever carries it (SSE or a WebSocket): the items
 * in the order the server sent them. A {@link ResumingSubscription} opens one after another.
 */
interface Feed extends AutoCloseable {

    /**
     * An event ({@code json} with its {@code cursor}), or, with {@code json} null, the cursor the
     * server says the stream starts after.
     */
    record Item(long cursor, String json) {
    }

    /** Opens a feed after {@code cursor} (null: from the server's present). */
    @FunctionalInterface
    interface Opener {
        /** @throws RafikiException when the server refuses; IOException when it cannot be reached */
        Feed open(Long cursor, Runnable activity) throws IOException;
    }

    /**
     * The next item; null when the server ended the stream (a restart, an overflow).
     *
     * @throws IOException     the connection dropped
     * @throws RafikiException the server refused something on the way (an error frame)
     */
    Item next() throws IOException;

    /** Drops the connection; may be called from another thread while {@link #next()} waits. */
    @Override
    void close();
}
