package dev.rafiki.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the features of the three modules (persistence, EJB, web) depend on each other. A feature
 * is the package right under {@code dev.rafiki}. Features are layered, lowest first, and each may
 * use only the features below it; a lower feature that must react to a higher one publishes a
 * CDI event or offers an extension interface. The dependencies that still go up are listed as
 * debts: a new one fails the build, and so does a listed one that is gone (strike it from the list).
 */
class ArchitectureTest {

    /** Lowest first. */
    static final List<String> LAYERS = List.of("platform", "link", "workspace", "tool", "agent", "profile", "budget", "session",
            "auth", "event", "prompt", "job", "stream", "schedule", "console");

    /** Upward dependencies that exist today, each with what causes it; to be removed, never added to. */
    static final Set<String> DEBTS = Set.of();

    /** Endpoints that call another endpoint today. */
    static final Set<String> ENDPOINT_DEBTS = Set.of();

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.rafiki");
        assertTrue(classes.size() > 300, "the three modules' classes are on the test class path: " + classes.size());
    }

    @Test
    void everyFeatureHasItsLayer() {
        var unknown = new TreeSet<String>();
        classes.forEach(c -> {
            var feature = feature(c.getPackageName());
            if (feature != null && !LAYERS.contains(feature)) {
                unknown.add(feature + " (" + c.getName() + ")");
            }
        });
        assertTrue(unknown.isEmpty(), "features without a place in LAYERS: " + unknown);
    }

    @Test
    void featuresDependDownwardsOnly() {
        var upward = new TreeMap<String, Set<String>>();
        for (var c : classes) {
            var from = feature(c.getPackageName());
            for (var dependency : c.getDirectDependenciesFromSelf()) {
                var to = feature(dependency.getTargetClass().getPackageName());
                if (from != null && to != null && LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
                    upward.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>())
                            .add(c.getSimpleName() + " -> " + dependency.getTargetClass().getSimpleName());
                }
            }
        }
        var added = new TreeMap<String, Set<String>>(upward);
        added.keySet().removeAll(DEBTS);
        assertTrue(added.isEmpty(), () -> "new upward dependencies between features: " + render(added));
        var paid = new TreeSet<String>(DEBTS);
        paid.removeAll(upward.keySet());
        assertTrue(paid.isEmpty(), "these debts are paid, strike them from DEBTS: " + paid);
    }

    @Test
    void anEndpointCallsNoOtherEndpoint() {
        var calls = new TreeSet<String>();
        for (var c : classes) {
            if (!endpoint(c)) {
                continue;
            }
            for (var dependency : c.getDirectDependenciesFromSelf()) {
                var target = dependency.getTargetClass();
                // an alias of a route extends its endpoint (EventsSocket is /ws at /events)
                if (!target.equals(c) && endpoint(target) && !c.isAssignableTo(target.getName())) {
                    calls.add(c.getSimpleName() + " -> " + target.getSimpleName());
                }
            }
        }
        var added = new TreeSet<String>(calls);
        added.removeAll(ENDPOINT_DEBTS);
        assertTrue(added.isEmpty(), "endpoints calling another endpoint (move the shared part to a control class): " + added);
        var paid = new TreeSet<String>(ENDPOINT_DEBTS);
        paid.removeAll(calls);
        assertTrue(paid.isEmpty(), "these debts are paid, strike them from ENDPOINT_DEBTS: " + paid);
    }

    /**
     * Payara expunges an EJB timer, for good, after two failed deliveries, and a delivery fails
     * when its transaction rolls back (a query failed while the database was down, even if the
     * callback caught it). So every timer callback runs without a transaction of its own.
     */
    @Test
    void everyTimerCallbackRunsOutsideATransaction() {
        var transactional = new TreeSet<String>();
        for (var c : classes) {
            for (var method : c.getMethods()) {
                if (!(method.isAnnotatedWith("jakarta.ejb.Timeout") || method.isAnnotatedWith("jakarta.ejb.Schedule"))) {
                    continue;
                }
                var attribute = method.tryGetAnnotationOfType(jakarta.ejb.TransactionAttribute.class)
                        .or(() -> c.tryGetAnnotationOfType(jakarta.ejb.TransactionAttribute.class));
                if (attribute.map(a -> a.value() != jakarta.ejb.TransactionAttributeType.NOT_SUPPORTED).orElse(true)) {
                    transactional.add(c.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertTrue(transactional.isEmpty(), "timer callbacks in a transaction (make them NOT_SUPPORTED, "
                + "and do the transactional work in a business method they call): " + transactional);
    }

    /** A JAX-RS resource or a WebSocket endpoint: the public surface, which parses and maps, and calls facades. */
    static boolean endpoint(com.tngtech.archunit.core.domain.JavaClass c) {
        return c.isAnnotatedWith("jakarta.ws.rs.Path") || c.isAnnotatedWith("jakarta.websocket.server.ServerEndpoint");
    }

    static String feature(String packageName) {
        if (!packageName.startsWith("dev.rafiki.")) {
            return null;
        }
        var rest = packageName.substring("dev.rafiki.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static String render(Map<String, Set<String>> edges) {
        var text = new StringBuilder();
        edges.forEach((edge, causes) -> text.append("\n  ").append(edge).append(": ").append(causes));
        return text.toString();
    }
}
