package dev.rafiki.platform.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * {@code POST} with {@code X-HTTP-Method-Override: PATCH} is a {@code PATCH}: the JDK's
 * HttpURLConnection, which some HTTP clients are built on (Jersey's default connector among
 * them), cannot send {@code PATCH}. Only this one override: a {@code POST} never becomes a
 * {@code DELETE} or {@code PUT}. Browsers must ask first for the header (a CORS preflight), and
 * it is not among the allowed ones.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class MethodOverride implements ContainerRequestFilter {

    static final String HEADER = "X-HTTP-Method-Override";

    @Override
    public void filter(ContainerRequestContext request) {
        var method = method(request.getMethod(), request.getHeaderString(HEADER));
        if (!method.equals(request.getMethod())) {
            request.setMethod(method);
        }
    }

    /** The method a request stands for: its own, or PATCH for a POST that says so. */
    static String method(String sent, String override) {
        return "POST".equals(sent) && override != null && "PATCH".equalsIgnoreCase(override.strip()) ? "PATCH" : sent;
    }
}
