package dev.rafiki.platform.http;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, else a new one.
 * It is echoed in the response and in every problem body, and logged with every server fault.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class RequestIds implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "X-Request-Id";
    public static final String PROPERTY = "rafiki.request-id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getProperty(PROPERTY) == null) { // normally the edge filter gave it one already
            var given = request.getHeaderString(HEADER);
            request.setProperty(PROPERTY, given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString());
        }
    }

    /** For the servlet filter in front of everything: the same rule, kept for the rest of the request. */
    public static String assign(HttpServletRequest request) {
        var existing = request.getAttribute(PROPERTY);
        if (existing != null) {
            return existing.toString();
        }
        var given = request.getHeader(HEADER);
        var id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setAttribute(PROPERTY, id);
        return id;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(HEADER, of(request));
    }

    public static String of(ContainerRequestContext request) {
        var id = request.getProperty(PROPERTY);
        return id == null ? UUID.randomUUID().toString() : id.toString();
    }

    /** For providers: Jersey injects a thread-safe proxy of the servlet request, not of the JAX-RS context. */
    public static String of(HttpServletRequest request) {
        var id = request.getAttribute(PROPERTY);
        return id == null ? UUID.randomUUID().toString() : id.toString();
    }
}
