package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Every failure of a call: the server's {@code application/problem+json} (RFC 9457) with its stable
 * {@code code}, or, with {@link #status()} 0 and code {@value #CONNECTION_FAILED}, a server that
 * could not be reached (after the retries the call was allowed).
 */
public class RafikiException extends RuntimeException {

    /** The code of a call that got no answer from the server. */
    public static final String CONNECTION_FAILED = "connection-failed";

    private final int status;
    private final String code;
    private final String title;
    private final String detail;
    private final String requestId;
    private final Duration retryAfter;
    private final JsonObject problem;

    public RafikiException(int status, String code, String title, String detail, String requestId, Duration retryAfter,
                           JsonObject problem, Throwable cause) {
        super(message(status, code, detail, requestId), cause);
        this.status = status;
        this.code = code;
        this.title = title;
        this.detail = detail;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
        this.problem = problem == null ? JsonValue.EMPTY_JSON_OBJECT : problem;
    }

    /** The HTTP status, or 0 when the server gave no answer. */
    public int status() {
        return status;
    }

    /** The stable code ({@code not-found}, {@code session-busy}, …): what a program should look at. */
    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    /** The human explanation. */
    public String detail() {
        return detail;
    }

    /** The request id the server logged the failure under ({@code X-Request-Id}), when it answered. */
    public String requestId() {
        return requestId;
    }

    /** How long the server asked to wait ({@code Retry-After} or the body's {@code retry_after}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The whole problem body, extensions included ({@code queue_length}, {@code resets_at}, …). */
    public JsonObject problem() {
        return problem;
    }

    /** True for the answers a retry may change: 429 and 503 with or without {@code Retry-After}, and no answer. */
    public boolean transientFailure() {
        return status == 0 || status == 429 || status == 503;
    }

    static RafikiException connectionFailed(Throwable cause) {
        return new RafikiException(0, CONNECTION_FAILED, "Connection failed",
                cause == null ? "no answer" : String.valueOf(cause.getMessage()), null, null, null, cause);
    }

    /**
     * The failure an HTTP answer stands for: its problem body when it has one, else a code made of
     * the status ({@code http-502}) and the body's first characters as the detail.
     */
    static RafikiException of(int status, String body, String retryAfterHeader, String requestIdHeader) {
        JsonObject problem = null;
        if (body != null && !body.isBlank()) {
            try (var reader = Json.createReader(new StringReader(body))) {
                var value = reader.readValue();
                if (value.getValueType() == JsonValue.ValueType.OBJECT) {
                    problem = value.asJsonObject();
                }
            } catch (RuntimeException notJson) {
                // a proxy's HTML page, say: kept as the detail below
            }
        }
        String code = string(problem, "code");
        String title = string(problem, "title");
        String detail = string(problem, "detail");
        String requestId = string(problem, "request_id");
        if (code == null) {
            code = "http-" + status;
        }
        if (detail == null) {
            detail = body == null || body.isBlank() ? "HTTP " + status
                    : body.length() > 300 ? body.substring(0, 300) + "…" : body;
        }
        if (requestId == null) {
            requestId = requestIdHeader;
        }
        Duration retryAfter = retryAfter(retryAfterHeader);
        if (retryAfter == null && problem != null && problem.get("retry_after") instanceof jakarta.json.JsonNumber n) {
            retryAfter = Duration.ofMillis(Math.max(0, (long) (n.doubleValue() * 1000)));
        }
        return new RafikiException(status, code, title, detail, requestId, retryAfter, problem, null);
    }

    /** {@code Retry-After}: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        var text = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                var wait = Duration.between(java.time.Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (java.time.format.DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static String string(JsonObject json, String key) {
        if (json == null || !(json.get(key) instanceof jakarta.json.JsonString s)) {
            return null;
        }
        return s.getString();
    }

    private static String message(int status, String code, String detail, String requestId) {
        var text = new StringBuilder();
        text.append(status == 0 ? "no answer" : Integer.toString(status)).append(' ').append(code);
        if (detail != null) {
            text.append(": ").append(detail);
        }
        if (requestId != null) {
            text.append(" (request ").append(requestId).append(')');
        }
        return text.toString();
    }
}
