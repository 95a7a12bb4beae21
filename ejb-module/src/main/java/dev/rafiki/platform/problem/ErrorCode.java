package dev.rafiki.platform.problem;

import java.util.Locale;

/**
 * The stable error codes of the public API. The wire form (kebab case) is part of the contract:
 * it appears as the {@code code} member and at the end of the {@code type} URI of every problem.
 */
public enum ErrorCode {
    VALIDATION_FAILED("Request validation failed"),
    MALFORMED_JSON("Malformed JSON"),
    JSON_TOO_DEEP("JSON nested too deeply"),
    JSON_NUMBER_TOO_LARGE("JSON number too large"),
    JSON_DUPLICATE_KEY("Duplicate key in a JSON object"),
    UNSUPPORTED_MEDIA_TYPE("Unsupported media type"),
    NOT_ACCEPTABLE("Not acceptable"),
    UNAUTHORIZED("Authentication required"),
    FORBIDDEN("Forbidden"),
    NOT_FOUND("Not found"),
    METHOD_NOT_ALLOWED("Method not allowed"),
    SESSION_BUSY("Session busy"),
    IDEMPOTENCY_KEY_REUSED("Idempotency key reused with a different request"),
    PAYLOAD_TOO_LARGE("Payload too large"),
    RANGE_NOT_SATISFIABLE("Range not satisfiable"),
    QUEUE_FULL("The session's queue is full"),
    RATE_LIMITED("Too many requests"),
    TOO_MANY_STREAMS("Too many open streams"),
    ORIGIN_NOT_ALLOWED("Origin not allowed"),
    SERVICE_UNAVAILABLE("Service unavailable"),
    INTERNAL_ERROR("Internal server error");

    private final String title;

    ErrorCode(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
