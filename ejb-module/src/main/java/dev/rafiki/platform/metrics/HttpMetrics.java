package dev.rafiki.platform.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

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

    /** A client may send any method name; only these become a label, the rest count as "other". */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @Inject
    MetricRegistry registry;

    private record Key(String method, String route, String status) {
    }

    /**
     * The registry's own look-up (metadata and tag checks, a map of families) was about 1 % of an
     * echo prompt's CPU in JFR; the keys are bounded (methods, route templates, status classes).
     */
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    /** @param route a resource method's template ({@code /session/{id}}), never a raw path */
    public void request(String method, String route, int status, Duration time) {
        var key = new Key(METHODS.contains(method) ? method : "other", route, statusClass(status));
        timers.computeIfAbsent(key, k -> registry.timer(REQUESTS_META, new Tag("method", k.method()),
                new Tag("route", k.route()), new Tag("status", k.status()))).update(time);
    }

    static String statusClass(int status) {
        return status < 100 || status > 599 ? "other" : (status / 100) + "xx";
    }
}
