package dev.rafiki.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a call is tried again. A call is retried only when a second try cannot do harm: after a
 * lost connection if it is idempotent (a read, a {@code PUT}, {@code DELETE}, a cancel, or a
 * {@code POST} carrying an {@code Idempotency-Key}: the same key is sent on every try), after a
 * refused connection always (nothing reached the server), and after {@code 503} or {@code 429},
 * which the server answers before doing anything. It waits what {@code Retry-After} asks, else an
 * exponential backoff with jitter; a {@code Retry-After} longer than {@link #maxRetryAfter()} (a
 * spent daily budget, say) is not waited for: the call fails at once with it.
 *
 * @param maxAttempts    tries in all, the first included (1: never retry)
 * @param initialBackoff the pause before the second try when the server named none
 * @param maxBackoff     the longest pause the backoff grows to
 * @param maxRetryAfter  the longest {@code Retry-After} worth waiting for
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoffs must be 0 <= initial <= max, maxRetryAfter >= 0");
        }
    }

    /** 8 tries over about half a minute, waiting up to a minute when the server asks. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(60));
    }

    /** Every call is tried once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /**
     * The pause before try {@code attempt + 1} after try {@code attempt} (1-based) failed with
     * {@code failure}, or null when the call must not be tried again.
     *
     * @param idempotent the call may reach the server twice without harm
     */
    Duration pauseAfter(int attempt, RafikiException failure, boolean idempotent) {
        if (attempt >= maxAttempts) {
            return null;
        }
        if (failure.status() == 0) {
            if (!idempotent && !refused(failure.getCause())) {
                return null;
            }
            return backoff(attempt);
        }
        if (failure.status() == 429 || failure.status() == 503) {
            var asked = failure.retryAfter().orElse(null);
            if (asked == null) {
                return backoff(attempt);
            }
            return asked.compareTo(maxRetryAfter) > 0 ? null : asked;
        }
        return null;
    }

    /** Full jitter (AWS's "exponential backoff and jitter"): uniform in [base/2, base]. */
    Duration backoff(int attempt) {
        long initial = initialBackoff.toMillis();
        long base = Math.min(maxBackoff.toMillis(), initial << Math.min(attempt - 1, 20));
        if (base <= 1) {
            return Duration.ofMillis(base);
        }
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base - base / 2 + 1));
    }

    /** A connection the server never accepted: nothing was sent, so any call may be tried again. */
    static boolean refused(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                    || cause instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }
}
