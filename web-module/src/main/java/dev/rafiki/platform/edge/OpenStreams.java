package dev.rafiki.platform.edge;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each user's open streams (WebSockets and SSE) on this node, up to
 * {@code rafiki.streams.max-per-user}. Per node on purpose: a stream lives on one node, and a
 * cluster-wide count would outlive a crashed node's connections. With N nodes a user can hold at
 * most N times the limit.
 */
@ApplicationScoped
public class OpenStreams {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    @Inject
    EdgeSettings settings;

    private int maxPerUser;

    @PostConstruct
    void init() {
        maxPerUser = settings.maxStreamsPerUser;
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /** @return false, taking nothing, when the user has the most streams allowed open already */
    public boolean open(String user) {
        var allowed = new boolean[1];
        open.compute(user, (key, count) -> {
            int now = count == null ? 0 : count;
            allowed[0] = now < maxPerUser;
            return allowed[0] ? now + 1 : count;
        });
        return allowed[0];
    }

    public void close(String user) {
        open.computeIfPresent(user, (key, count) -> count <= 1 ? null : count - 1);
    }
}
