package dev.rafiki.platform.edge;

/**
 * The route classes that rate limits are configured for ({@code rafiki.ratelimit.<class>.*}).
 * A route's class follows from its method and path, so routes added later are covered too.
 */
public enum RouteClass {
    /** {@code POST /query}, and each prompt sent over {@code /query_stream}. */
    QUERY("query", 30, 1),
    /** {@code POST /submit}: background jobs. */
    SUBMIT("submit", 30, 1),
    /** WebSocket and SSE handshakes: {@code GET /ws}, {@code /query_stream}, {@code /events}. */
    STREAM("stream", 30, 1),
    /** Every other {@code GET} (and {@code HEAD}, and {@code OPTIONS} that is not a CORS preflight). */
    READ("read", 300, 20),
    /** Every other change: creating and deleting sessions, stopping, cancelling, ... */
    WRITE("write", 120, 5);

    final String key;
    final long defaultCapacity;
    final double defaultRefill;

    RouteClass(String key, long defaultCapacity, double defaultRefill) {
        this.key = key;
        this.defaultCapacity = defaultCapacity;
        this.defaultRefill = defaultRefill;
    }

    /** @return the class of a request, or null for routes that are not limited (health; preflights never get here) */
    static RouteClass of(String method, String path) {
        if (path.startsWith("/health")) {
            return null;
        }
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        if (get && (path.equals("/ws") || path.equals("/query_stream") || path.equals("/events"))) {
            return STREAM;
        }
        if ("POST".equals(method) && path.equals("/query")) {
            return QUERY;
        }
        if ("POST".equals(method) && path.equals("/submit")) {
            return SUBMIT;
        }
        return get || "OPTIONS".equals(method) ? READ : WRITE;
    }
}
