package dev.rafiki.platform.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * API requests by route template, method and status class. A bean of its own because the JAX-RS
 * filter that measures cannot have the registry injected, and Payara's registry producer cannot
 * be looked up programmatically (it reads the injection point).
 */
@ApplicationScoped
public class HttpMetrics {

    static final String REQUESTS = "rafiki.http.requests";
    private static final Metadata REQUESTS_META = Metadata.builder().withName(REQUESTS)
            .withDescription("API requests by route template, method and status class: count, total time, maximum and quantiles")
            .withUnit(MetricUnits.SECONDS).build();

    @Inject
    MetricRegistry registry;

    /** @param route a resource method's template ({@code /session/{id}}), never a raw path */
    public void request(String method, String route, int status, Duration time) {
        registry.timer(REQUESTS_META, new Tag("method", method), new Tag("route", route), new Tag("status", statusClass(status)))
                .update(time);
    }

    static String statusClass(int status) {
        return status < 100 || status > 599 ? "other" : (status / 100) + "xx";
    }
}
