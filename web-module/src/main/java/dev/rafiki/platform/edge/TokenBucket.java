package dev.rafiki.platform.edge;

import java.util.Locale;

/**
 * The state of one token bucket, kept as a short string so that the distributed cache compares
 * and stores it without application classes (a cluster member may not have our class loader).
 * A bucket holds at most {@code capacity} tokens and gains {@code refillPerSecond} per second;
 * each request takes one.
 */
record TokenBucket(double tokens, long updatedMillis) {

    /** What one attempt to take a token decided, and what the RateLimit fields report. */
    record Decision(boolean allowed, TokenBucket next, long remaining, long resetSeconds, long retryAfterSeconds) {
    }

    static TokenBucket full(Limit limit, long now) {
        return new TokenBucket(limit.capacity(), now);
    }

    static TokenBucket parse(String text) {
        int comma = text.indexOf(',');
        return new TokenBucket(Double.parseDouble(text.substring(0, comma)), Long.parseLong(text.substring(comma + 1)));
    }

    String encode() {
        return String.format(Locale.ROOT, "%.4f,%d", tokens, updatedMillis);
    }

    Decision take(Limit limit, long now) {
        // a clock that went backwards (another node's) never adds tokens
        double elapsed = Math.max(0, now - updatedMillis) / 1000.0;
        double available = Math.min(limit.capacity(), tokens + elapsed * limit.refillPerSecond());
        long stamp = Math.max(now, updatedMillis);
        if (available >= 1) {
            double left = available - 1;
            return new Decision(true, new TokenBucket(left, stamp), (long) Math.floor(left),
                    secondsUntil(limit.capacity() - left, limit), 0);
        }
        return new Decision(false, new TokenBucket(available, stamp), 0,
                secondsUntil(limit.capacity() - available, limit), Math.max(1, secondsUntil(1 - available, limit)));
    }

    private static long secondsUntil(double missing, Limit limit) {
        return (long) Math.ceil(missing / limit.refillPerSecond());
    }

    /** A route class's budget: {@code capacity} requests at once, {@code refillPerSecond} on average. */
    record Limit(String name, long capacity, double refillPerSecond) {
        Limit {
            if (capacity < 1 || !(refillPerSecond > 0)) {
                throw new IllegalArgumentException("rate limit " + name + " needs capacity >= 1 and refill-per-second > 0");
            }
        }

        /** Seconds an empty bucket takes to fill: the window {@code w} of the RateLimit-Policy field. */
        long windowSeconds() {
            return Math.max(1, (long) Math.ceil(capacity / refillPerSecond));
        }

        Limit times(int factor) {
            return new Limit(name, capacity * factor, refillPerSecond * factor);
        }
    }
}
