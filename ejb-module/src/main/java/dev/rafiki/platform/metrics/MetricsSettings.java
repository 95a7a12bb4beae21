package dev.rafiki.platform.metrics;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The application's metrics: how fresh the queue depths are, and who may read them. */
@Dependent
public class MetricsSettings {

    /** The queue depths cost a query of the whole cluster's queues: at most one per period and node. */
    @Inject
    @ConfigProperty(name = "rafiki.metrics.refresh-seconds", defaultValue = "5")
    public long refreshSeconds;

    /** When set, {@code GET /metrics} needs a bearer token in this group; unset, it is open. */
    @Inject
    @ConfigProperty(name = "rafiki.metrics.role")
    public Optional<String> role;
}
