package dev.rafiki.platform.edge;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;

/**
 * A WebSocket handshake from a page of Rafiki's own origin (its console): the browser's
 * {@code Origin} equals the scheme and {@code Host} of the request itself. The origin check of the
 * WebSocket endpoints ({@code OriginCheck}) exists to keep other sites' pages out, and the
 * container only hands it the {@code Origin} value, without the {@code Host} to compare it with;
 * so the edge, which sees both, passes such a handshake on without its {@code Origin}, as the
 * check already treats clients that are not browsers. Every other handshake keeps its
 * {@code Origin} and meets the allow-list ({@code rafiki.cors.allowed-origins}).
 */
final class SameOriginHandshake extends HttpServletRequestWrapper {

    private static final String ORIGIN = "Origin";

    SameOriginHandshake(HttpServletRequest request) {
        super(request);
    }

    static boolean applies(HttpServletRequest request) {
        var origin = request.getHeader(ORIGIN);
        var host = request.getHeader("Host");
        return "websocket".equalsIgnoreCase(request.getHeader("Upgrade")) && origin != null && host != null
                && origin.strip().equalsIgnoreCase(request.getScheme() + "://" + host.strip());
    }

    @Override
    public String getHeader(String name) {
        return ORIGIN.equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return ORIGIN.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                .filter(name -> !ORIGIN.equalsIgnoreCase(name)).toList());
    }
}
