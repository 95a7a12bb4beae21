package dev.rafiki.platform.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The streams open on this node, by transport ({@code ws}, {@code query_stream}, {@code sse}).
 * A stream counts while it is alive by its own account (the WebSocket is open, the SSE
 * subscription not closed), so a stream that ends without a close callback, or with two, is still
 * counted exactly once. An SSE client that vanishes is noticed at the next write or keep-alive.
 */
@ApplicationScoped
public class StreamConnections {

    public static final String WS = "ws";
    public static final String QUERY_STREAM = "query_stream";
    public static final String SSE = "sse";
    static final String CONNECTIONS = "rafiki.streams.connections";
    private static final Metadata CONNECTIONS_META = Metadata.builder().withName(CONNECTIONS)
            .withDescription("Open streaming connections on this node, by transport").build();

    @Inject
    MetricRegistry registry;

    private final Map<String, Set<BooleanSupplier>> open = Map.of(WS, ConcurrentHashMap.newKeySet(),
            QUERY_STREAM, ConcurrentHashMap.newKeySet(), SSE, ConcurrentHashMap.newKeySet());

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (var transport : List.of(WS, QUERY_STREAM, SSE)) {
            registry.gauge(CONNECTIONS_META, this, self -> self.count(transport), new Tag("transport", transport));
        }
    }

    /**
     * Counts a stream for as long as {@code alive} says so.
     *
     * @return the handle to stop counting it at once (its close callback)
     */
    public BooleanSupplier opened(String transport, BooleanSupplier alive) {
        var streams = open.get(transport);
        streams.removeIf(stream -> !stream.getAsBoolean()); // bounded even if nobody scrapes
        streams.add(alive);
        return alive;
    }

    public void closed(String transport, BooleanSupplier handle) {
        if (handle != null) {
            open.get(transport).remove(handle);
        }
    }

    int count(String transport) {
        var streams = open.get(transport);
        streams.removeIf(stream -> !stream.getAsBoolean());
        return streams.size();
    }
}
