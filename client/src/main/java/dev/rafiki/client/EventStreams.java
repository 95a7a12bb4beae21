package dev.rafiki.client;

import jakarta.ws.rs.client.Client;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Where event streams start: a session's, a job's, or all of the caller's. */
public final class EventStreams {

    /** How streams reconnect, and how long a silent connection is trusted. */
    record Settings(Duration initialBackoff, Duration maxBackoff, Duration idleTimeout, Duration connectTimeout) {
    }

    private final Transport transport;
    private final Settings settings;
    private final ScheduledExecutorService watchdog;
    private final java.util.Set<ResumingSubscription> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private java.net.http.HttpClient webSockets;
    private final Function<String, Frames.Connector> connectors;

    EventStreams(Transport calls, Client streamClient, Settings settings,
                 Function<String, Frames.Connector> connectors) {
        this.connectors = connectors;
        // streams read through their own client: its read timeout is the idle timeout
        this.transport = new Transport(streamClient, calls.base, calls.token, calls.retries, calls.sleeper);
        this.settings = settings;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "rafiki-client-stream-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** One session's events; the cursor is the session's {@code seq}. */
    public EventStream session(UUID sessionId) {
        return EventStream.of(this, "session_id", sessionId);
    }

    /** One job's events (its prompt's and the {@code job.*} ones); the cursor is its session's {@code seq}. */
    public EventStream job(UUID jobId) {
        return EventStream.of(this, "job_id", jobId);
    }

    /** Everything of the caller, every session; the cursor is the user's {@code user_seq}. */
    public EventStream user() {
        return EventStream.of(this, null, null);
    }

    EventSubscription start(Map<String, String> query, Long after, boolean webSocket,
                            Flow.Subscriber<? super Event> subscriber, EventListener listener) {
        var opener = webSocket ? WebSocketFeed.opener(webSocket("/ws"), query) : SseFeed.opener(transport, query);
        return start(opener, "events-" + query.values(), after, subscriber, listener);
    }

    /** Sends {@code request} over {@code /query_stream} and follows it up to its end, for one of the two. */
    QueryStream query(QueryRequest request, String idempotencyKey, BiFunction<UUID, UUID, CompletableFuture<Prompt>> read,
                      Flow.Subscriber<? super Event> subscriber, EventListener listener) {
        var stream = new QueryStream(request, idempotencyKey, webSocket("/query_stream"), transport, read);
        stream.attach(start(stream::open, "query-stream-" + idempotencyKey, null,
                subscriber == null ? null : stream.following(subscriber), listener == null ? null : stream.following(listener)));
        return stream;
    }

    private ResumingSubscription start(Feed.Opener opener, String name, Long after,
                                       Flow.Subscriber<? super Event> subscriber, EventListener listener) {
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
        var subscription = new ResumingSubscription(opener, settings, watchdog, name, after, subscriber, listener);
        live.add(subscription);
        subscription.done().whenComplete((ended, failure) -> live.remove(subscription));
        subscription.start();
        return subscription;
    }

    /** Connections to the WebSocket at {@code path}; tests put scripted ones in their place. */
    Frames.Connector webSocket(String path) {
        if (connectors != null) {
            return connectors.apply(path);
        }
        return WebSocketConnection.connector(webSockets(), WebSocketConnection.uri(transport.base, path), transport.token,
                settings.connectTimeout(), settings.idleTimeout());
    }

    /** The JDK's HTTP client, for WebSockets only: made on first use. */
    private synchronized java.net.http.HttpClient webSockets() {
        if (webSockets == null) {
            webSockets = java.net.http.HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
        }
        return webSockets;
    }

    /** Ends every subscription still open: their threads would otherwise retry a closed client forever. */
    void close() {
        closed = true;
        live.forEach(ResumingSubscription::close);
        watchdog.shutdownNow();
    }
}
