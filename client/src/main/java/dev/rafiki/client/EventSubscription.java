package dev.rafiki.client;

import java.util.concurrent.CompletableFuture;

/** A running subscription: close it to stop. */
public interface EventSubscription extends AutoCloseable {

    /** The cursor of the last event delivered (or the stream's start), what a new subscription would resume after. */
    long cursor();

    /** How many times the connection was made again after a drop. */
    int reconnects();

    /**
     * Completes with the cursor the subscription starts after, once known: at once with {@link
     * EventStream#after(long)}, else when the server names it as the stream opens. Events from
     * then on reach the subscriber.
     */
    CompletableFuture<Long> started();

    /** Completes when the subscription ends: normally once closed, exceptionally when the server refused it. */
    CompletableFuture<Void> done();

    @Override
    void close();
}
