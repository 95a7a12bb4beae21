package dev.rafiki.agent.model;

import java.time.Duration;

/**
 * A model call that failed. {@code code} is stable and shown to clients: {@code model-unauthorized}
 * (401/403), {@code model-rate-limited} (429), {@code model-unavailable} (5xx, connection failure),
 * {@code model-timeout}, {@code model-bad-request} (other 4xx), {@code model-malformed-response}
 * (a broken stream or body), {@code model-cancelled}.
 *
 * @param retryAfter the provider's Retry-After, when it gave one
 */
public class ModelException extends Exception {

    private final String code;
    private final boolean retryable;
    private final Duration retryAfter;

    public ModelException(String code, String message, boolean retryable, Duration retryAfter) {
        super(message);
        this.code = code;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
