package dev.rafiki.platform.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Names each resource method's route for {@link RequestMetrics} once, when the application
 * starts, and marks every request that matched the method with it. An injected
 * {@code ResourceInfo} would do the same per request, but it is a proxy that looks the request's
 * up through the injection manager at every call (3 % of the server's CPU in the job row, JFR).
 */
@Provider
public class RequestRoutes implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        var route = RequestMetrics.template(resource.getResourceClass(), resource.getResourceMethod());
        context.register(new Mark(route));
    }

    /** A class of its own, not a lambda: the runtimes read a provider's contracts from its class. */
    static final class Mark implements ContainerRequestFilter {
        private final String route;

        Mark(String route) {
            this.route = route;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            request.setProperty(RequestMetrics.ROUTE, route);
        }
    }
}
