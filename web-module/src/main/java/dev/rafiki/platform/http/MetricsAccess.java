package dev.rafiki.platform.http;

import dev.rafiki.platform.metrics.MetricsSettings;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Who may read {@code /metrics} (the container's MicroProfile Metrics endpoint, served in this
 * application's context). By default anyone who reaches the listener, like {@code /health}: the
 * listener binds the loopback address unless {@code rafiki.http.host} opens it, and the figures
 * name no user, session or prompt. With {@code rafiki.metrics.role} set, a scraper needs a bearer
 * token whose groups hold that role: 401 without a valid token, 403 without the role (both
 * answered as problems by the error pages). Checked here rather than by the container's own
 * metrics security, which would need a container-specific role mapping.
 */
@WebFilter(urlPatterns = {"/metrics", "/metrics/*"})
public class MetricsAccess extends HttpFilter {

    @Inject
    BearerTokens tokens;

    @Inject
    MetricsSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var required = settings.role.map(String::strip).filter(r -> !r.isEmpty());
        if (required.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        // the Authorization header only: a scraper's token does not belong in a URL
        var credentials = tokens.of(request);
        if (credentials.source() != BearerTokens.Source.HEADER || !credentials.valid()) {
            response.sendError(401);
        } else if (!credentials.caller().inRole(required.get())) {
            response.sendError(403);
        } else {
            chain.doFilter(request, response);
        }
    }
}
