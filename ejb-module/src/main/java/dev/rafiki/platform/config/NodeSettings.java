package dev.rafiki.platform.config;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What every node is told about itself: its name, its data directory, whether it has peers. */
@Dependent
public class NodeSettings {

    /** Stable across restarts (a restarted node frees its previous run's claims); the host name when unset. */
    @Inject
    @ConfigProperty(name = "rafiki.node.id")
    public Optional<String> nodeId;

    /**
     * Where the node's files live. Its default, {@code data}, is in the EJB module's
     * {@code microprofile-config.properties} and not here: the {@code ${rafiki.data.dir}}
     * expressions of the config files need a config source to hold it, and a default written in
     * both places would drift.
     */
    @Inject
    @ConfigProperty(name = "rafiki.data.dir")
    public String dataDir;

    /** Alone, a node has nobody to announce events to: its own subscribers were served at commit. */
    @Inject
    @ConfigProperty(name = "rafiki.cluster.enabled", defaultValue = "false")
    public boolean clustered;
}
