package dev.rafiki.platform.http;

import dev.rafiki.platform.metrics.HttpMetrics;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Times every API request, labelled by the resource method's route template ({@code /session/{id}}),
 * its HTTP method and the status class ({@code 2xx} … {@code 5xx}): a bounded set of series, never
 * one per URL. Requests that match no resource method share the route {@code unmatched}. The time
 * runs from before authentication to the response, including the wait of an asynchronous request.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
public class RequestMetrics implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = Logger.getLogger(RequestMetrics.class.getName());
    private static final String STARTED = "rafiki.request-started";
    /** The matched method's route, set by {@link RequestRoutes}. */
    static final String ROUTE = "rafiki.route";

    /** Looked up, not injected: like the other filters, this provider is made by JAX-RS, not by CDI. */
    private volatile HttpMetrics metrics;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(STARTED) instanceof Long started)) {
            return;
        }
        try {
            // set once the request matched a resource method
            var route = request.getProperty(ROUTE) instanceof String matched ? matched : "unmatched";
            metrics().request(request.getMethod(), route, response.getStatus(), Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            // measuring must never fail the request it measures
            LOG.log(Level.FINE, "request not measured", e);
        }
    }

    private HttpMetrics metrics() {
        var known = metrics;
        if (known == null) {
            known = CDI.current().select(HttpMetrics.class).get();
            metrics = known;
        }
        return known;
    }

    /** The route as declared: the class's {@code @Path}, then the method's. */
    static String template(Class<?> type, Method method) {
        var path = new StringBuilder();
        for (var part : new Path[] {type.getAnnotation(Path.class), method.getAnnotation(Path.class)}) {
            if (part == null) {
                continue;
            }
            var value = part.value().replaceAll("^/+|/+$", "");
            if (!value.isEmpty()) {
                path.append('/').append(value);
            }
        }
        // a template's regular expression ({id: [0-9]+}) would make a long, odd label: keep the name
        return path.isEmpty() ? "/" : path.toString().replaceAll("\\{\\s*(\\w[\\w.-]*)\\s*:[^}]*}", "{$1}");
    }
}
