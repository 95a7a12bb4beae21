package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.agent.model.ToolSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** How a prompt's agent loop is set up, the same whichever path runs it. */
@ApplicationScoped
public class AgentRuns {

    @Inject
    @ConfigProperty(name = "rafiki.agent.max-steps", defaultValue = "16")
    int maxSteps;

    @Inject
    @ConfigProperty(name = "rafiki.agent.max-seconds", defaultValue = "600")
    long maxSeconds;

    @Inject
    @ConfigProperty(name = "rafiki.model.max-tokens", defaultValue = "4096")
    int maxTokens;

    @Inject
    @ConfigProperty(name = "rafiki.model.connect-timeout-seconds", defaultValue = "10")
    long connectTimeout;

    @Inject
    @ConfigProperty(name = "rafiki.model.idle-timeout-seconds", defaultValue = "120")
    long idleTimeout;

    @Inject
    @ConfigProperty(name = "rafiki.prompt.claim-lease-seconds", defaultValue = "30")
    long leaseSeconds;

    public AgentLoop loop(ModelCatalog.Resolved model, List<ToolSpec> specs, AgentLoop.Tools tools) {
        return new AgentLoop(model.provider(), model.providerModel(), specs, tools,
                new AgentLoop.Limits(maxSteps, Duration.ofSeconds(maxSeconds), maxTokens,
                        // a local server may hold its headers back while it reads a long prompt
                        Duration.ofSeconds(connectTimeout + idleTimeout), Duration.ofSeconds(idleTimeout)));
    }

    /** How long a session's claim lasts without a heartbeat. */
    public Duration lease() {
        return Duration.ofSeconds(leaseSeconds);
    }
}
