package dev.rafiki.it.support;

/**
 * One server for every test class that does not restart or crash it: each start costs about
 * 20 s on two cores. Tests on it use their own sessions and users, so they cannot disturb each other.
 */
public final class SharedServer {

    /** The context window of the models {@code smallgpt/…} and {@code smallclaude/…} (the fakes behind them). */
    public static final long SMALL_CONTEXT_TOKENS = 2_000;

    private static RafikiServer server;
    private static FakeModelProviders models;

    private SharedServer() {
    }

    public static synchronized RafikiServer get() {
        if (server == null) {
            try {
                models = new FakeModelProviders();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            // the real provider names, pointed at wire-accurate fakes
            server = RafikiServer.start("shared", RafikiServer.env(
                    "RAFIKI_PROVIDER_OPENAI_BASE_URL", models.openAiBaseUrl(),
                    "RAFIKI_PROVIDER_OPENAI_API_KEY", FakeModelProviders.OPENAI_KEY,
                    "RAFIKI_PROVIDER_ANTHROPIC_BASE_URL", models.anthropicBaseUrl(),
                    "RAFIKI_PROVIDER_ANTHROPIC_API_KEY", FakeModelProviders.ANTHROPIC_KEY,
                    // the same fakes behind a small context window, for long conversations
                    "RAFIKI_PROVIDERS", "openai,anthropic,smallgpt,smallclaude",
                    "RAFIKI_PROVIDER_SMALLGPT_TYPE", "openai",
                    "RAFIKI_PROVIDER_SMALLGPT_BASE_URL", models.openAiBaseUrl(),
                    "RAFIKI_PROVIDER_SMALLGPT_API_KEY", FakeModelProviders.OPENAI_KEY,
                    "RAFIKI_PROVIDER_SMALLGPT_CONTEXT_TOKENS", Long.toString(SMALL_CONTEXT_TOKENS),
                    "RAFIKI_PROVIDER_SMALLCLAUDE_TYPE", "anthropic",
                    "RAFIKI_PROVIDER_SMALLCLAUDE_BASE_URL", models.anthropicBaseUrl(),
                    "RAFIKI_PROVIDER_SMALLCLAUDE_API_KEY", FakeModelProviders.ANTHROPIC_KEY,
                    "RAFIKI_PROVIDER_SMALLCLAUDE_CONTEXT_TOKENS", Long.toString(SMALL_CONTEXT_TOKENS),
                    "RAFIKI_MODEL_MAX_RETRY_PAUSE_SECONDS", "2",
                    "RAFIKI_CORS_ALLOWED_ORIGINS", "https://app.example",
                    // the test webhook receiver listens on loopback; retries quick enough for a test
                    "RAFIKI_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true",
                    "RAFIKI_WEBHOOKS_BACKOFF_MS", "300",
                    "RAFIKI_JOBS_RETRY_BACKOFF_MS", "200",
                    // small, so that a stuck subscriber overflows within a test's worth of events
                    "RAFIKI_EVENTS_SUBSCRIBER_BUFFER", "40"));
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-shared-rafiki"));
        }
        return server;
    }

    /** The fake model services the shared server talks to. */
    public static synchronized FakeModelProviders models() {
        get();
        return models;
    }
}
