package dev.rafiki.platform.edge;

import dev.rafiki.platform.edge.TokenBucket.Decision;
import dev.rafiki.platform.edge.TokenBucket.Limit;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Token buckets per user and per client address, for each route class, counted cluster-wide in
 * the application server's JCache (Hazelcast on Payara): every node takes its tokens from the
 * same entries. A bucket is updated with the cache's atomic compare-and-replace, so two nodes
 * taking the last token at once cannot both get it. Buckets live only as long as they take to
 * fill up again (then they are full, exactly as a missing one).
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());
    static final String CACHE = "rafiki-ratelimit";
    private static final int ATTEMPTS = 32;
    private static final Object[] STRIPES = new Object[64];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new Object();
        }
    }

    @Inject
    Instance<CacheManager> cacheManagers;

    @Inject
    EdgeSettings settings;

    private final Map<RouteClass, Limit> limits = new EnumMap<>(RouteClass.class);
    private boolean enabled;
    private int addressFactor;
    volatile Buckets cache;
    private volatile long lastFailureLog;

    /**
     * Where buckets live: the data grid's JCache (shared by the cluster), or, on a container
     * without any JCache provider (WildFly), this node's memory: limits per node rather than none.
     * The three operations are JCache's, which lets compare-and-replace work the same on both.
     */
    interface Buckets {
        String get(String key);

        boolean putIfAbsent(String key, String value);

        boolean replace(String key, String expected, String value);
    }

    /** Node-local buckets; an entry untouched for longer than the longest window is a full bucket and goes. */
    static final class LocalBuckets implements Buckets {
        private final java.util.concurrent.ConcurrentHashMap<String, String> map = new java.util.concurrent.ConcurrentHashMap<>();
        private final long retainMillis;
        private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

        LocalBuckets(long longestWindowSeconds) {
            this.retainMillis = (longestWindowSeconds + 1) * 1000;
        }

        @Override
        public String get(String key) {
            return map.get(key);
        }

        @Override
        public boolean putIfAbsent(String key, String value) {
            sweepNow();
            return map.putIfAbsent(key, value) == null;
        }

        @Override
        public boolean replace(String key, String expected, String value) {
            return map.replace(key, expected, value);
        }

        int size() {
            return map.size();
        }

        /** Every 4096 new keys, the full buckets go: memory stays bounded by the keys active within a window. */
        private void sweepNow() {
            if (writes.incrementAndGet() % 4096 == 0) {
                long horizon = System.currentTimeMillis() - retainMillis;
                map.entrySet().removeIf(e -> TokenBucket.parse(e.getValue()).updatedMillis() < horizon);
            }
        }
    }

    /** What the limiter decided for one request; {@code policies} and {@code fields} are the RateLimit header values. */
    public record Outcome(boolean allowed, String policies, String fields, long retryAfterSeconds) {
        static final Outcome UNLIMITED = new Outcome(true, null, null, 0);
    }

    @PostConstruct
    void init() {
        configure(settings, ConfigProvider.getConfig());
    }

    /** @param config the limits of each route class, {@code rafiki.ratelimit.<class>.*}: keys built from {@link RouteClass} */
    void configure(EdgeSettings settings, Config config) {
        enabled = switchedOn(settings.rateLimits);
        addressFactor = settings.addressFactor;
        for (var routeClass : RouteClass.values()) {
            var prefix = "rafiki.ratelimit." + routeClass.key;
            limits.put(routeClass, new Limit(routeClass.key,
                    config.getOptionalValue(prefix + ".capacity", Long.class).orElse(routeClass.defaultCapacity),
                    config.getOptionalValue(prefix + ".refill-per-second", Double.class).orElse(routeClass.defaultRefill)));
        }
    }

    /**
     * Whether {@code rafiki.ratelimit.enabled} leaves the limits on: only a word that means "off"
     * turns them off; one that means nothing keeps them on and says so (fail closed, loud).
     */
    static boolean switchedOn(String setting) {
        var value = setting == null ? "" : setting.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "true", "1", "yes", "y", "on" -> true;
            case "false", "0", "no", "n", "off" -> false;
            default -> {
                LOG.severe("rafiki.ratelimit.enabled is '" + setting + "', neither true nor false: rate limits stay on");
                yield true;
            }
        };
    }

    /**
     * Takes a token for the caller ({@code user}, null when unauthenticated) and one for its
     * address, whose budget is {@code rafiki.ratelimit.address-factor} times larger (many users
     * can share one address; null for a message on an open connection, counted per user only).
     */
    public Outcome take(RouteClass routeClass, String user, String address) {
        if (!enabled || routeClass == null) {
            return Outcome.UNLIMITED;
        }
        var limit = limits.get(routeClass);
        var perAddress = new Limit(limit.name() + "-address", limit.capacity() * addressFactor,
                limit.refillPerSecond() * addressFactor);
        Decision byUser = null;
        if (user != null) {
            byUser = take("u:" + routeClass.key + ":" + user, limit);
            if (byUser != null && !byUser.allowed()) {
                return outcome(limit, byUser, perAddress, null);
            }
        }
        var byAddress = address == null ? null : take("a:" + routeClass.key + ":" + address, perAddress);
        return outcome(limit, byUser, perAddress, byAddress);
    }

    /** IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): the policies, and the one closest to its end. */
    private static Outcome outcome(Limit limit, Decision byUser, Limit perAddress, Decision byAddress) {
        var policies = new StringBuilder();
        if (byUser != null) {
            policies.append(policy(limit));
        }
        if (byAddress != null) {
            policies.append(policies.isEmpty() ? "" : ", ").append(policy(perAddress));
        }
        if (byUser == null && byAddress == null) {
            return Outcome.UNLIMITED; // the cache is unavailable: fail open, logged
        }
        Decision tightest;
        Limit tightestLimit;
        if (byAddress == null || (byUser != null && (!byUser.allowed() || byUser.remaining() <= byAddress.remaining()))) {
            tightest = byUser;
            tightestLimit = limit;
        } else {
            tightest = byAddress;
            tightestLimit = perAddress;
        }
        var fields = "\"" + tightestLimit.name() + "\";r=" + tightest.remaining() + ";t=" + tightest.resetSeconds();
        return new Outcome(tightest.allowed(), policies.toString(), fields, tightest.retryAfterSeconds());
    }

    private static String policy(Limit limit) {
        return "\"" + limit.name() + "\";q=" + limit.capacity() + ";w=" + limit.windowSeconds();
    }

    /** @return the decision, or null when the cache cannot be used */
    private Decision take(String key, Limit limit) {
        try {
            var buckets = cache();
            // Requests of this node for one key take turns, so compare-and-replace only ever races
            // with other nodes: a burst within the bucket's capacity must not be refused merely
            // because its requests collided with each other.
            synchronized (STRIPES[Math.floorMod(key.hashCode(), STRIPES.length)]) {
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    long now = System.currentTimeMillis();
                    var stored = buckets.get(key);
                    var bucket = stored == null ? TokenBucket.full(limit, now) : TokenBucket.parse(stored);
                    var decision = bucket.take(limit, now);
                    var next = decision.next().encode();
                    if (stored == null ? buckets.putIfAbsent(key, next) : buckets.replace(key, stored, next)) {
                        return decision;
                    }
                }
            }
            // this many lost races with other nodes means a burst on this very key across the cluster
            return new Decision(false, null, 0, limit.windowSeconds(), 1);
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastFailureLog > 60_000) {
                lastFailureLog = now;
                LOG.log(Level.SEVERE, "rate limits are not enforced: the distributed cache is unavailable", e);
            }
            return null;
        }
    }

    private Buckets cache() {
        var current = cache;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (cache == null && cacheManagers.isUnsatisfied()) {
                LOG.warning("no JCache provider in this container: rate limits are kept per node, in memory");
                cache = new LocalBuckets(longestWindow());
            }
            if (cache == null) {
                var manager = cacheManagers.get();
                var existing = manager.getCache(CACHE, String.class, String.class);
                if (existing != null) {
                    cache = shared(existing);
                } else {
                    long longestWindow = longestWindow();
                    // an entry untouched for a full window describes a full bucket: it may go
                    var config = new MutableConfiguration<String, String>()
                            .setTypes(String.class, String.class)
                            .setStoreByValue(true)
                            .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                                    new Duration(TimeUnit.SECONDS, longestWindow + 1)));
                    try {
                        cache = shared(manager.createCache(CACHE, config));
                    } catch (javax.cache.CacheException createdByAnotherNode) {
                        cache = shared(manager.getCache(CACHE, String.class, String.class));
                    }
                }
            }
            return cache;
        }
    }

    private long longestWindow() {
        return limits.values().stream().mapToLong(Limit::windowSeconds).max().orElse(60);
    }

    private static Buckets shared(Cache<String, String> cache) {
        return new Buckets() {
            @Override
            public String get(String key) {
                return cache.get(key);
            }

            @Override
            public boolean putIfAbsent(String key, String value) {
                return cache.putIfAbsent(key, value);
            }

            @Override
            public boolean replace(String key, String expected, String value) {
                return cache.replace(key, expected, value);
            }
        };
    }
}
