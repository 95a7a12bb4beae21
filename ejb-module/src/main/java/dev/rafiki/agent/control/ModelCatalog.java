package dev.rafiki.agent.control;

import dev.rafiki.agent.model.AnthropicProvider;
import dev.rafiki.agent.model.EchoProvider;
import dev.rafiki.agent.model.ModelProvider;
import dev.rafiki.agent.model.OpenAiChatProvider;
import dev.rafiki.agent.model.RetryingProvider;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Which models exist and how to reach them. A model is named {@code echo} or
 * {@code <provider>/<model>}, e.g. {@code openai/gpt-4o-mini}, {@code anthropic/claude-sonnet-4-5}
 * or {@code ollama/llama3.2} once a provider {@code ollama} of type {@code openai} is configured.
 * <p>
 * Providers are listed in {@code rafiki.providers}; each has {@code rafiki.provider.<name>.type}
 * ({@code openai} or {@code anthropic}), {@code .base-url}, and its API key either directly in
 * {@code .api-key} or, preferably, in the environment variable named by {@code .api-key-env}.
 */
@ApplicationScoped
public class ModelCatalog {

    private static final Logger LOG = Logger.getLogger(ModelCatalog.class.getName());

    /**
     * A model ready to call.
     *
     * @param contextTokens its context window in tokens: what one request may carry, answer included
     */
    public record Resolved(String name, ModelProvider provider, String providerModel, long contextTokens) {
    }

    /** @param contextTokens the context window of the provider's models, or null for the server-wide one */
    record ProviderConfig(String name, String type, URI baseUrl, String apiKey, Long contextTokens) {
    }

    /** A provider's own keys ({@code rafiki.provider.<name>.*}): their names come from {@link AgentSettings#providers}. */
    @Inject
    Config config;

    @Inject
    AgentSettings settings;

    @Resource
    ManagedScheduledExecutorService timer;

    private final Map<String, ProviderConfig> providers = new LinkedHashMap<>();
    private final EchoProvider echo = new EchoProvider();
    private HttpClient http;
    private int maxRetries;
    private Duration maxRetryPause;
    private long contextTokens;

    @PostConstruct
    void init() {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(settings.connectTimeoutSeconds))
                .build();
        maxRetries = settings.maxRetries;
        maxRetryPause = Duration.ofSeconds(settings.maxRetryPauseSeconds);
        contextTokens = settings.contextTokens;
        for (var name : Arrays.stream(settings.providers.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            var provider = providerConfig(name, config::getOptionalValue);
            providers.put(name, provider);
            LOG.info(() -> "model provider '" + name + "' (" + provider.type() + ") at " + provider.baseUrl()
                    + (provider.apiKey() == null ? ", no API key" : ", API key set"));
        }
    }

    interface Lookup {
        <T> Optional<T> get(String key, Class<T> type);
    }

    static ProviderConfig providerConfig(String name, Lookup lookup) {
        var prefix = "rafiki.provider." + name + ".";
        var type = lookup.get(prefix + "type", String.class).orElse(name).toLowerCase(Locale.ROOT);
        if (!type.equals("openai") && !type.equals("anthropic")) {
            throw new IllegalStateException(prefix + "type must be openai or anthropic, not " + type);
        }
        var defaultUrl = type.equals("anthropic") ? "https://api.anthropic.com" : "https://api.openai.com/v1";
        var baseUrl = URI.create(lookup.get(prefix + "base-url", String.class).orElse(defaultUrl));
        var keyEnv = lookup.get(prefix + "api-key-env", String.class)
                .orElse(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_API_KEY");
        var apiKey = lookup.get(prefix + "api-key", String.class).orElse(System.getenv(keyEnv));
        return new ProviderConfig(name, type, baseUrl, apiKey == null || apiKey.isBlank() ? null : apiKey,
                lookup.get(prefix + "context-tokens", Long.class).orElse(null));
    }

    /** @return null when the name is not a model this server can run */
    public Resolved resolve(String name) {
        if (name == null || name.equals(EchoProvider.NAME)) {
            return new Resolved(EchoProvider.NAME, echo, EchoProvider.NAME, contextTokens);
        }
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            return null;
        }
        var provider = providers.get(name.substring(0, slash));
        if (provider == null) {
            return null;
        }
        ModelProvider client = provider.type().equals("anthropic")
                ? new AnthropicProvider(provider.baseUrl(), provider.apiKey(), http, timer)
                : new OpenAiChatProvider(provider.baseUrl(), provider.apiKey(), http, timer);
        return new Resolved(name, new RetryingProvider(client, maxRetries, maxRetryPause), name.substring(slash + 1),
                provider.contextTokens() != null ? provider.contextTokens() : contextTokens);
    }

    public String describe() {
        return "echo, or <provider>/<model> with provider one of " + String.join(", ", providers.keySet());
    }
}
