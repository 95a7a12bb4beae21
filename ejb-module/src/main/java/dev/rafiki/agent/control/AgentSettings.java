package dev.rafiki.agent.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Model providers and the agent loop. A provider's own keys ({@code rafiki.provider.<name>.*})
 * are read by {@link ModelCatalog}, since their names are known only from {@link #providers}.
 */
@Dependent
public class AgentSettings {

    /** Model providers, comma-separated; a model is {@code <provider>/<model>}. */
    @Inject
    @ConfigProperty(name = "rafiki.providers", defaultValue = "openai,anthropic")
    public String providers;

    /** Connecting to a model service. */
    @Inject
    @ConfigProperty(name = "rafiki.model.connect-timeout-seconds", defaultValue = "10")
    public long connectTimeoutSeconds;

    /** Longest silence of a model stream; with the connect timeout it also bounds the wait for the first byte. */
    @Inject
    @ConfigProperty(name = "rafiki.model.idle-timeout-seconds", defaultValue = "120")
    public long idleTimeoutSeconds;

    /** Output tokens per model turn. */
    @Inject
    @ConfigProperty(name = "rafiki.model.max-tokens", defaultValue = "4096")
    public int maxTokens;

    /** A model's context window (estimated tokens), the answer's reserve included, unless its provider says otherwise. */
    @Inject
    @ConfigProperty(name = "rafiki.model.context-tokens", defaultValue = "128000")
    public long contextTokens;

    /** Retries of a retryable model failure. */
    @Inject
    @ConfigProperty(name = "rafiki.model.max-retries", defaultValue = "2")
    public int maxRetries;

    /** A longer {@code Retry-After} fails the prompt instead of waiting. */
    @Inject
    @ConfigProperty(name = "rafiki.model.max-retry-pause-seconds", defaultValue = "20")
    public long maxRetryPauseSeconds;

    /** Model turns per prompt. */
    @Inject
    @ConfigProperty(name = "rafiki.agent.max-steps", defaultValue = "16")
    public int maxSteps;

    /** Wall time per prompt; a wait for an approval does not count (a resumed run starts a new span). */
    @Inject
    @ConfigProperty(name = "rafiki.agent.max-seconds", defaultValue = "600")
    public long maxSeconds;
}
