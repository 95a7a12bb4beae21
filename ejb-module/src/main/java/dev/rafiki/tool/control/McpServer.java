package dev.rafiki.tool.control;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * One MCP server (an operator's, or one an agent profile registered), through the official SDK's
 * client: one MCP session, opened ({@code initialize}) on first use and again after a transport
 * failure; its tool list cached until the server says it changed
 * ({@code notifications/tools/list_changed}) or it is older than the TTL. Every wait is bounded;
 * a call given up on (stopped prompt, timeout) is cancelled on the server
 * ({@code notifications/cancelled}); whatever goes wrong becomes a failed {@link ToolResult},
 * never an exception for the agent loop.
 */
final class McpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(McpServer.class.getName());

    /** The parts of the SDK a server needs, built once for all servers. */
    record Settings(McpJsonMapper json, tools.jackson.databind.json.JsonMapper jackson, Duration ttl, Duration retry,
                    int outputMaxChars, Executor executor) {
    }

    private final McpServerConfig config;
    private final Settings settings;
    private final Function<URI, String> refusal;

    private McpAsyncClient client;
    private CallTracking calls;
    private volatile List<ToolSpec> specs = List.of();
    private volatile long listedAt;
    private volatile boolean listed;
    private volatile long failedAt;
    private final Object refreshLock = new Object();
    private CompletableFuture<Void> refreshing;

    McpServer(McpServerConfig config, Settings settings) {
        this(config, settings, url -> null);
    }

    /**
     * @param refusal why the server's URL may not be called now (its name resolved again before
     *                each connection and call), or null when it may
     */
    McpServer(McpServerConfig config, Settings settings, Function<URI, String> refusal) {
        this.config = config;
        this.settings = settings;
        this.refusal = refusal;
    }

    String name() {
        return config.name();
    }

    /** The server's tools as offered to models, named {@code <server>.<tool>}; stale ones while it cannot be reached. */
    List<ToolSpec> specs() {
        refreshIfStale();
        return specs;
    }

    private List<ToolSpec> specsOf(List<McpSchema.Tool> listed) {
        var offered = new ArrayList<ToolSpec>(listed.size());
        for (var tool : listed) {
            String schema;
            try {
                schema = settings.json().writeValueAsString(tool.inputSchema());
            } catch (IOException e) {
                LOG.warning(() -> "MCP server " + name() + ": tool " + tool.name() + " has an input schema that cannot be written: " + e);
                continue;
            }
            var description = tool.description() != null ? tool.description() : tool.title() != null ? tool.title() : "";
            offered.add(new ToolSpec(name() + "." + tool.name(), description, schema));
        }
        return List.copyOf(offered);
    }

    /**
     * Keeps the cached list while it is fresh. A stale list is refreshed in the background and served
     * meanwhile, so a slow or broken server does not hold up every prompt; only the first listing
     * of a server is waited for (bounded by its connect timeout).
     */
    private void refreshIfStale() {
        if (listed && System.nanoTime() - listedAt < settings.ttl().toNanos()) {
            return;
        }
        boolean failedBefore = failedAt != 0;
        var running = refresh();
        if (!listed && !failedBefore && running != null) {
            try {
                running.get(config.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.FINE, "MCP server " + name() + ": first tools/list not done", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts listing the tools unless that is under way or failed within the retry pause; the listing, or null. */
    CompletableFuture<Void> refresh() {
        synchronized (refreshLock) {
            if (refreshing != null && !refreshing.isDone()) {
                return refreshing;
            }
            if (failedAt != 0 && System.nanoTime() - failedAt < settings.retry().toNanos()) {
                return null;
            }
            try {
                refreshing = CompletableFuture.runAsync(this::list, settings.executor());
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                return null; // the application is stopping: the list there is will do
            }
            return refreshing;
        }
    }

    private void list() {
        try {
            var result = client().listTools().block(config.connectTimeout());
            listed(result == null ? List.of() : result.tools());
            failedAt = 0;
        } catch (RuntimeException e) {
            failedAt = System.nanoTime();
            LOG.warning("MCP server " + name() + " (" + config.url() + "): tools/list failed, keeping the " + specs.size()
                    + " tools known before; next try in " + settings.retry().toSeconds() + " s: " + reason(e));
            LOG.log(Level.FINE, "MCP server " + name() + ": tools/list failed", e);
            reset();
        }
    }

    private void listed(List<McpSchema.Tool> list) {
        specs = specsOf(list);
        listedAt = System.nanoTime();
        listed = true;
    }

    /**
     * Calls one tool of this server, bounded by the server's call timeout and stopped as soon as
     * {@code cancelled} says so; either way the SDK's request is disposed and the server told with
     * {@code notifications/cancelled}.
     */
    ToolResult call(String tool, String arguments, BooleanSupplier cancelled) {
        Map<String, Object> parsed;
        try {
            parsed = arguments == null || arguments.isBlank() ? Map.of()
                    : settings.jackson().readValue(arguments, new tools.jackson.core.type.TypeReference<Map<String, Object>>() {
                    });
        } catch (RuntimeException e) {
            return ToolResult.failed("the arguments of " + name() + "." + tool + " must be a JSON object; nothing was called");
        }
        var refused = refusal.apply(config.url());
        if (refused != null) {
            return ToolResult.failed("the MCP server '" + name() + "' may not be called: " + refused + "; nothing was called");
        }
        McpAsyncClient session;
        CallTracking tracking;
        try {
            synchronized (this) {
                session = client();
                tracking = calls;
            }
        } catch (RuntimeException e) {
            reset();
            return ToolResult.failed("the MCP server '" + name() + "' cannot be reached: " + reason(e));
        }
        var request = McpSchema.CallToolRequest.builder(tool).arguments(parsed).build();
        tracking.track(request);
        try {
            return await(tool, request, session.callTool(request).toFuture(), tracking, cancelled);
        } finally {
            tracking.forget(request);
        }
    }

    private ToolResult await(String tool, McpSchema.CallToolRequest request, CompletableFuture<McpSchema.CallToolResult> future,
                             CallTracking tracking, BooleanSupplier cancelled) {
        long deadline = System.nanoTime() + config.callTimeout().toNanos();
        while (true) {
            try {
                return result(tool, future.get(100, TimeUnit.MILLISECONDS));
            } catch (TimeoutException notYet) {
                if (cancelled.getAsBoolean()) {
                    abandon(future, tracking, request, "the prompt was stopped");
                    return ToolResult.failed("stopped: the prompt was stopped while " + name() + "." + tool + " was running");
                }
                if (System.nanoTime() > deadline) {
                    abandon(future, tracking, request, "no answer within " + config.callTimeout().toSeconds() + " s");
                    return ToolResult.failed("the MCP server '" + name() + "' did not answer " + tool + " within "
                            + config.callTimeout().toSeconds() + " s; the call was abandoned");
                }
            } catch (ExecutionException e) {
                var cause = e.getCause();
                if (!(cause instanceof McpError)) {
                    reset(); // the session may be gone with the connection: the next call opens a new one
                }
                return ToolResult.failed("the MCP server '" + name() + "' failed on " + tool + ": " + reason(cause));
            } catch (InterruptedException e) {
                abandon(future, tracking, request, "the prompt was stopped");
                Thread.currentThread().interrupt();
                return ToolResult.failed("stopped: interrupted while " + name() + "." + tool + " was running");
            }
        }
    }

    /** Stops waiting, and tells the server, which may still be working on it and need not. */
    private void abandon(CompletableFuture<?> future, CallTracking tracking, McpSchema.CallToolRequest request, String reason) {
        future.cancel(true);
        tracking.cancel(request, reason, e -> LOG.log(Level.FINE, "MCP server " + name() + ": the cancellation of a "
                + request.name() + " call was not delivered", e));
    }

    /** A tool's answer as text for the model: its text content, other content described, capped. */
    private ToolResult result(String tool, McpSchema.CallToolResult result) {
        var text = new StringBuilder();
        for (var content : result.content()) {
            if (text.length() > 0) {
                text.append('\n');
            }
            if (content instanceof McpSchema.TextContent t) {
                text.append(t.text());
            } else if (content instanceof McpSchema.ImageContent image) {
                text.append("[image, ").append(image.mimeType()).append(", ").append(base64Bytes(image.data())).append(" bytes]");
            } else if (content instanceof McpSchema.AudioContent audio) {
                text.append("[audio, ").append(audio.mimeType()).append(", ").append(base64Bytes(audio.data())).append(" bytes]");
            } else if (content instanceof McpSchema.EmbeddedResource embedded) {
                if (embedded.resource() instanceof McpSchema.TextResourceContents resource) {
                    text.append(resource.text());
                } else {
                    text.append("[resource ").append(embedded.resource().uri()).append(", ")
                            .append(embedded.resource().mimeType()).append(']');
                }
            } else if (content instanceof McpSchema.ResourceLink link) {
                text.append("[resource link ").append(link.uri()).append(']');
            } else {
                text.append("[").append(content.getClass().getSimpleName()).append(']');
            }
        }
        if (result.content().isEmpty() && result.structuredContent() != null) {
            try {
                text.append(settings.json().writeValueAsString(result.structuredContent()));
            } catch (IOException e) {
                text.append("[structured content that cannot be shown]");
            }
        }
        var shown = capped(text);
        return Boolean.TRUE.equals(result.isError()) ? ToolResult.failed(shown) : ToolResult.ok(shown);
    }

    private String capped(StringBuilder text) {
        int max = settings.outputMaxChars();
        if (text.length() <= max) {
            return text.toString();
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "\n[output truncated: " + text.length() + " characters, kept " + end + "]";
    }

    private static long base64Bytes(String data) {
        return data == null ? 0 : data.length() / 4L * 3;
    }

    /** The messages of an exception and its first causes: the SDK's own often only says which step failed. */
    static String reason(Throwable e) {
        var reason = new StringBuilder();
        for (int depth = 0; e != null && depth < 4; e = e.getCause(), depth++) {
            var message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            if (reason.indexOf(message) < 0) {
                reason.append(reason.length() == 0 ? "" : ": ").append(message);
            }
        }
        return reason.toString();
    }

    /** The open MCP session, opened first if there is none. */
    private synchronized McpAsyncClient client() {
        if (client != null) {
            return client;
        }
        var refused = refusal.apply(config.url());
        if (refused != null) {
            throw new IllegalStateException(refused);
        }
        var headers = HttpRequest.newBuilder();
        config.headers().forEach(headers::header);
        var base = config.url().getScheme() + "://" + config.url().getRawAuthority();
        var path = config.url().getRawPath() == null || config.url().getRawPath().isEmpty() ? "/" : config.url().getRawPath();
        if (config.url().getRawQuery() != null) {
            path += "?" + config.url().getRawQuery();
        }
        var transport = switch (config.transport()) {
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(base).endpoint(path).requestBuilder(headers)
                    .jsonMapper(settings.json()).connectTimeout(config.connectTimeout()).build();
            case SSE -> HttpClientSseClientTransport.builder(base).sseEndpoint(path).requestBuilder(headers)
                    .jsonMapper(settings.json()).connectTimeout(config.connectTimeout()).build();
        };
        var tracking = new CallTracking(transport);
        var opened = McpClient.async(tracking)
                .clientInfo(McpSchema.Implementation.builder("rafiki", "1").build())
                .requestTimeout(config.callTimeout().plus(config.connectTimeout()))
                .initializationTimeout(config.connectTimeout())
                .jsonSchemaValidator(new DefaultJsonSchemaValidator(settings.jackson()))
                .toolsChangeConsumer(list -> {
                    listed(list);
                    LOG.info(() -> "MCP server " + name() + ": its tools changed, now " + list.size());
                    return Mono.empty();
                })
                .build();
        try {
            opened.initialize().block(config.connectTimeout());
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        client = opened;
        calls = tracking;
        return client;
    }

    private synchronized void reset() {
        if (client != null) {
            var closing = client;
            client = null;
            try {
                closing.closeGracefully().block(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing the MCP session of " + name() + " failed", e);
                closing.close();
            }
        }
    }

    @Override
    public void close() {
        reset();
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
