package dev.rafiki.platform.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

/** The limiter over node-local buckets, as it runs on a container without JCache (WildFly). */
class RateLimiterTest {

    static RateLimiter limiter(Map<String, String> settings) {
        return limiter(settings, dev.rafiki.platform.config.Settings.defaults(EdgeSettings.class));
    }

    static RateLimiter limiter(Map<String, String> settings, EdgeSettings edge) {
        var limiter = new RateLimiter();
        limiter.configure(edge, config(settings));
        limiter.cache = new RateLimiter.LocalBuckets(60);
        return limiter;
    }

    @Test
    void aBurstBeyondTheCapacityIsRefusedWithRetryAfter() {
        var limiter = limiter(Map.of("rafiki.ratelimit.write.capacity", "3", "rafiki.ratelimit.write.refill-per-second", "0.001"));
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.take(RouteClass.WRITE, "ann", "10.0.0.1").allowed(), "request " + i);
        }
        var refused = limiter.take(RouteClass.WRITE, "ann", "10.0.0.1");
        assertFalse(refused.allowed());
        assertTrue(refused.retryAfterSeconds() >= 1);
        assertTrue(refused.policies().contains(";q=3;"), refused.policies());
        assertTrue(limiter.take(RouteClass.WRITE, "bob", "10.0.0.1").allowed(), "another user keeps its own budget");
    }

    @Test
    void tokenlessCallersDrawOnTheirAddressBudget() {
        var edge = dev.rafiki.platform.config.Settings.defaults(EdgeSettings.class);
        edge.addressFactor = 2;
        var limiter = limiter(Map.of("rafiki.ratelimit.write.capacity", "2", "rafiki.ratelimit.write.refill-per-second", "0.001"), edge);
        for (int i = 0; i < 4; i++) {
            assertTrue(limiter.take(RouteClass.WRITE, null, "10.0.0.2").allowed());
        }
        assertFalse(limiter.take(RouteClass.WRITE, null, "10.0.0.2").allowed(), "2 × 2 per address");
        assertTrue(limiter.take(RouteClass.WRITE, null, "10.0.0.3").allowed());
    }

    @Test
    void disabledLimitsAnswerUnlimited() {
        var edge = dev.rafiki.platform.config.Settings.defaults(EdgeSettings.class);
        edge.rateLimits = "false";
        var limiter = limiter(Map.of(), edge);
        for (int i = 0; i < 1000; i++) {
            assertTrue(limiter.take(RouteClass.WRITE, "ann", "10.0.0.1").allowed());
        }
    }

    @Test
    void aSwitchThatMeansNothingLeavesTheLimitsOn() {
        assertTrue(RateLimiter.switchedOn("true"));
        assertTrue(RateLimiter.switchedOn(" ON "));
        assertFalse(RateLimiter.switchedOn("false"));
        assertFalse(RateLimiter.switchedOn("Off"));
        assertTrue(RateLimiter.switchedOn("flase"), "a typo must not open the edge");
        assertTrue(RateLimiter.switchedOn(""));
        var edge = dev.rafiki.platform.config.Settings.defaults(EdgeSettings.class);
        edge.rateLimits = "fasle";
        var limiter = limiter(Map.of("rafiki.ratelimit.write.capacity", "1", "rafiki.ratelimit.write.refill-per-second", "0.001"), edge);
        assertTrue(limiter.take(RouteClass.WRITE, "ann", "10.0.0.1").allowed());
        assertFalse(limiter.take(RouteClass.WRITE, "ann", "10.0.0.1").allowed());
    }

    @Test
    void fullBucketsAreSweptSoMemoryStaysBounded() throws Exception {
        var buckets = new RateLimiter.LocalBuckets(0); // retained 1 s
        for (int i = 0; i < 4095; i++) {
            buckets.putIfAbsent("k" + i, new TokenBucket(1, System.currentTimeMillis() - 5_000).encode());
        }
        assertEquals(4095, buckets.size());
        buckets.putIfAbsent("fresh", new TokenBucket(1, System.currentTimeMillis()).encode());
        assertEquals(1, buckets.size(), "the 4096th new key sweeps the stale ones");
    }

    static Config config(Map<String, String> values) {
        return new Config() {
            @Override
            public <T> T getValue(String name, Class<T> type) {
                return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
            }

            @Override
            public ConfigValue getConfigValue(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
                var text = values.get(name);
                if (text == null) {
                    return Optional.empty();
                }
                Object value = type == Boolean.class ? Boolean.valueOf(text) : type == Integer.class ? Integer.valueOf(text)
                        : type == Long.class ? Long.valueOf(text) : type == Double.class ? Double.valueOf(text) : text;
                return Optional.of((T) value);
            }

            @Override
            public Iterable<String> getPropertyNames() {
                return values.keySet();
            }

            @Override
            public Iterable<ConfigSource> getConfigSources() {
                return List.of();
            }

            @Override
            public <T> Optional<Converter<T>> getConverter(Class<T> forType) {
                return Optional.empty();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
