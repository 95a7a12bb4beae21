package dev.rafiki.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Flow;

/**
 * A stream of events over Server-Sent Events ({@code GET /events}), or over {@code /ws} ({@link
 * #overWebSocket()}): one session's, one job's, or all of the caller's. It is a {@link Flow.Publisher}: each subscriber gets its own connection.
 *
 * <p>Each subscriber sees every event after its start exactly once, in order, across dropped
 * connections, server restarts and dead nodes: the subscription remembers the cursor of the last
 * event it delivered and, when the connection drops (or stays silent longer than the idle
 * timeout, since the server sends a keep-alive every 15 s), connects again with that cursor as
 * {@code Last-Event-ID}, backing off while the server is away and honouring its {@code
 * Retry-After}; anything the server sends twice is dropped by its cursor. A refusal that a retry
 * cannot change (401, 403, 404, 400) ends the subscription with {@code onError}.
 *
 * <p>Without {@link #after(long)} the stream starts at the server's present: the server names
 * that cursor as the stream opens, so even a drop before the first event loses nothing.
 */
public final class EventStream implements Flow.Publisher<Event> {

    private final EventStreams owner;
    private final Map<String, String> query;
    private final Long after;
    private final boolean webSocket;

    EventStream(EventStreams owner, Map<String, String> query, Long after, boolean webSocket) {
        this.owner = owner;
        this.query = Map.copyOf(query);
        this.after = after;
        this.webSocket = webSocket;
    }

    static EventStream of(EventStreams owner, String key, UUID id) {
        var query = new LinkedHashMap<String, String>();
        if (key != null) {
            query.put(key, id.toString());
        }
        return new EventStream(owner, query, null, false);
    }

    /** Start after this cursor ({@code 0}: from the first event): a session's {@code seq}, a user's {@code user_seq}. */
    public EventStream after(long cursor) {
        if (cursor < 0) {
            throw new IllegalArgumentException("a cursor is 0 or more");
        }
        return new EventStream(owner, query, cursor, webSocket);
    }

    /**
     * The same stream over {@code GET /ws} (the JDK's WebSocket client, since the Jakarta REST client
     * API has none) instead of SSE: the same events, cursors and guarantees. For places where a
     * proxy buffers or cuts SSE; on Java SE and in a container alike.
     */
    public EventStream overWebSocket() {
        return new EventStream(owner, query, after, true);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Event> subscriber) {
        owner.start(query, after, webSocket, subscriber, null);
    }

    /** Delivers every event to {@code listener} until the returned subscription is closed. */
    public EventSubscription subscribe(EventListener listener) {
        return owner.start(query, after, webSocket, null, listener);
    }
}
