package dev.rafiki.prompt.control;

import java.time.Duration;
import java.util.Set;

/** Which failures another attempt may cure, and how long to wait before it. */
public final class Retries {

    /** Passing trouble on the model's side or in the runtime; a bad request or key stays bad. */
    private static final Set<String> RETRYABLE = Set.of("model-unavailable", "model-timeout", "model-rate-limited",
            "model-malformed-response", "agent-error");

    private Retries() {
    }

    public static boolean retryable(String errorCode) {
        return errorCode != null && RETRYABLE.contains(errorCode);
    }

    /** Doubles from {@code base} per attempt, up to {@code max}. */
    public static Duration backoff(int attempt, Duration base, Duration max) {
        long millis = base.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
