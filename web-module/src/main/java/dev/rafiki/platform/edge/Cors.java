package dev.rafiki.platform.edge;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-origin resource sharing for browser pages on the allow-list
 * ({@code rafiki.cors.allowed-origins}, the same list that guards WebSocket handshakes).
 * Credentials ({@code rafiki.cors.allow-credentials}) are never combined with a wildcard: the
 * page's own origin is echoed instead, as the Fetch standard requires.
 */
public final class Cors {

    static final String METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
    static final String HEADERS = "Authorization, Content-Type, Idempotency-Key, Prefer, Last-Event-ID, X-Request-Id";
    static final String EXPOSED = "X-Request-Id, Location, Retry-After, RateLimit, RateLimit-Policy, "
            + "Idempotent-Replayed, WWW-Authenticate, Allow";

    private final Set<String> allowed;
    private final boolean credentials;
    private final long maxAgeSeconds;

    Cors(Set<String> allowed, boolean credentials, long maxAgeSeconds) {
        this.allowed = allowed;
        this.credentials = credentials;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    public static Cors of(EdgeSettings settings) {
        return new Cors(origins(settings.corsAllowedOrigins.orElse("")), settings.corsAllowCredentials,
                settings.corsMaxAgeSeconds);
    }

    public static Set<String> origins(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    public boolean allows(String origin) {
        return origin != null && (allowed.contains("*") || allowed.contains(origin.strip()));
    }

    static boolean isPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    /** The headers of an answer to an allowed page, on every response, errors included. */
    public void decorate(HttpServletRequest request, HttpServletResponse response) {
        var origin = request.getHeader("Origin");
        if (origin == null) {
            return;
        }
        response.addHeader("Vary", "Origin");
        if (!allows(origin)) {
            return;
        }
        boolean wildcard = allowed.contains("*") && !credentials;
        response.setHeader("Access-Control-Allow-Origin", wildcard ? "*" : origin.strip());
        if (credentials) {
            response.setHeader("Access-Control-Allow-Credentials", "true");
        }
        response.setHeader("Access-Control-Expose-Headers", EXPOSED);
    }

    /** Answers a preflight of an allowed page; the caller refuses the others. */
    void preflight(HttpServletRequest request, HttpServletResponse response) {
        decorate(request, response);
        response.setHeader("Access-Control-Allow-Methods", METHODS);
        response.setHeader("Access-Control-Allow-Headers", HEADERS);
        response.setHeader("Access-Control-Max-Age", Long.toString(maxAgeSeconds));
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}
