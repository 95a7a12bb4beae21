package dev.rafiki.it.support;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server, the official Java SDK's, speaking Streamable HTTP (or, made with
 * {@link #sse}, the older HTTP+SSE transport) on an embedded Jetty on loopback. Its tools:
 * <ul>
 * <li>{@code echo {text}} → "echo: " + text;</li>
 * <li>{@code fail} → an error result ({@code isError: true}) saying "the database is on fire";</li>
 * <li>{@code hang} → answers only once {@link #release()} is called (or after two minutes);</li>
 * <li>{@code crash} → the whole server stops while the call is still open.</li>
 * </ul>
 * It refuses (401) a request without {@code Authorization: Bearer <token>} and records the
 * headers it was sent, the JSON-RPC id of every {@code tools/call} and the request ids that
 * {@code notifications/cancelled} named (the SDK's server only logs that notification).
 */
public final class McpTestServer implements AutoCloseable {

    public static final String ENDPOINT = "/mcp";
    public static final String SSE_ENDPOINT = "/sse";

    /** How often each tool was called, by name. */
    public final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** The {@code X-Tenant} header of every request. */
    public final List<String> tenants = new CopyOnWriteArrayList<>();
    /** Calls of {@code hang} that have not returned. */
    public final AtomicInteger hanging = new AtomicInteger();
    /** The JSON-RPC ids of the {@code tools/call} requests, by tool, in arrival order. */
    public final Map<String, List<String>> callIds = new ConcurrentHashMap<>();
    /** The request ids of the {@code notifications/cancelled} it was sent, with their reasons. */
    public final Map<String, String> cancelled = new ConcurrentHashMap<>();

    private final Server jetty;
    private final McpSyncServer mcp;
    private final String url;
    private volatile CountDownLatch release = new CountDownLatch(1);

    public McpTestServer(String name, String token) throws Exception {
        this(name, token, false);
    }

    /** A server that speaks only the HTTP+SSE transport of MCP's 2024-11-05 revision. */
    public static McpTestServer sse(String name, String token) throws Exception {
        return new McpTestServer(name, token, true);
    }

    @SuppressWarnings("deprecation") // HTTP+SSE is deprecated by the protocol: a server that still speaks it is the point
    private McpTestServer(String name, String token, boolean sse) throws Exception {
        var jackson = tools.jackson.databind.json.JsonMapper.builder().build();
        var json = new JacksonMcpJsonMapper(jackson);
        jakarta.servlet.http.HttpServlet transport;
        if (sse) {
            var provider = io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider.builder()
                    .jsonMapper(json).sseEndpoint(SSE_ENDPOINT).messageEndpoint(ENDPOINT + "/message").build();
            transport = provider;
            mcp = configured(McpServer.sync(provider), name, json).build();
        } else {
            var provider = HttpServletStreamableServerTransportProvider.builder().jsonMapper(json).mcpEndpoint(ENDPOINT).build();
            transport = provider;
            mcp = configured(McpServer.sync(provider), name, json).build();
        }
        jetty = new Server();
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setStopTimeout(0); // no graceful stop: open SSE streams and calls are cut, as when a server dies
        var context = new ServletContextHandler();
        context.setContextPath("/");
        var servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/*");
        Filter authorization = (request, response, chain) -> {
            var http = (HttpServletRequest) request;
            var tenant = http.getHeader("X-Tenant");
            tenants.add(tenant == null ? "" : tenant);
            if (!("Bearer " + token).equals(http.getHeader("Authorization"))) {
                ((jakarta.servlet.http.HttpServletResponse) response).sendError(401);
                return;
            }
            chain.doFilter("POST".equals(http.getMethod()) ? recorded(http) : request, response);
        };
        var filter = new FilterHolder(authorization);
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
        url = "http://127.0.0.1:" + connector.getLocalPort() + (sse ? SSE_ENDPOINT : ENDPOINT);
    }

    /** Reads the JSON-RPC message of a POST to note calls and cancellations, and hands the body on unread. */
    private HttpServletRequest recorded(HttpServletRequest request) throws java.io.IOException {
        var body = request.getInputStream().readAllBytes();
        try (var reader = jakarta.json.Json.createReader(new java.io.ByteArrayInputStream(body))) {
            if (reader.read() instanceof jakarta.json.JsonObject message && message.get("params") instanceof jakarta.json.JsonObject params) {
                var method = message.getString("method", "");
                if (method.equals("tools/call")) {
                    callIds.computeIfAbsent(params.getString("name", ""), n -> new CopyOnWriteArrayList<>())
                            .add(id(message.get("id")));
                } else if (method.equals("notifications/cancelled")) {
                    cancelled.put(id(params.get("requestId")), params.getString("reason", ""));
                }
            }
        } catch (RuntimeException notJson) {
            // not a JSON-RPC message: the transport answers it
        }
        return new jakarta.servlet.http.HttpServletRequestWrapper(request) {
            @Override
            public jakarta.servlet.ServletInputStream getInputStream() {
                var in = new java.io.ByteArrayInputStream(body);
                return new jakarta.servlet.ServletInputStream() {
                    @Override
                    public boolean isFinished() {
                        return in.available() == 0;
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setReadListener(jakarta.servlet.ReadListener listener) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read() {
                        return in.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        return in.read(b, off, len);
                    }
                };
            }

            @Override
            public java.io.BufferedReader getReader() {
                return new java.io.BufferedReader(new java.io.InputStreamReader(new java.io.ByteArrayInputStream(body),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        };
    }

    private static String id(jakarta.json.JsonValue id) {
        return id instanceof jakarta.json.JsonString text ? text.getString() : String.valueOf(id);
    }

    /** The ids of the calls of {@code tool} so far. */
    public List<String> callIds(String tool) {
        return List.copyOf(callIds.getOrDefault(tool, List.of()));
    }

    /** The same server, whichever transport: the specification's setters change it in place. */
    private <S extends McpServer.SyncSpecification<S>> S configured(S spec, String name, JacksonMcpJsonMapper json) {
        spec.jsonMapper(json);
        spec.serverInfo(name, "1.0");
        spec.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build());
        spec.tools(tool("echo", "Says the text back", Map.of("text", Map.of("type", "string")), arguments ->
                                text("echo: " + arguments.get("text"), false)),
                        tool("fail", "Always fails", Map.of(), arguments -> text("the database is on fire", true)),
                        tool("hang", "Never answers in time", Map.of(), arguments -> {
                            hanging.incrementAndGet();
                            try {
                                release.await(2, TimeUnit.MINUTES);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                hanging.decrementAndGet();
                            }
                            return text("finally", false);
                        }),
                        tool("crash", "Takes the server down", Map.of(), arguments -> {
                            new Thread(this::close, "mcp-crash").start();
                            try {
                                Thread.sleep(30_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return text("survived", false);
                        }));
        return spec;
    }

    private SyncToolSpecification tool(String name, String description, Map<String, Object> properties,
                                       java.util.function.Function<Map<String, Object>, McpSchema.CallToolResult> handler) {
        var schema = Map.<String, Object>of("type", "object", "properties", properties);
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder(name, schema).description(description).build())
                .callHandler((exchange, request) -> {
                    calls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                    return handler.apply(request.arguments() == null ? Map.of() : request.arguments());
                })
                .build();
    }

    private static McpSchema.CallToolResult text(String text, boolean error) {
        return McpSchema.CallToolResult.builder(List.of(McpSchema.TextContent.builder(text).build())).isError(error).build();
    }

    public String url() {
        return url;
    }

    public int calls(String tool) {
        var count = calls.get(tool);
        return count == null ? 0 : count.get();
    }

    /** Adds a tool that says its name, and tells the connected clients that the list changed. */
    public void addTool(String name) {
        mcp.addTool(tool(name, "Added while running", Map.of(), arguments -> text(name + " here", false)));
        mcp.notifyToolsListChanged();
    }

    /** Lets every {@code hang} call answer. */
    public void release() {
        release.countDown();
        release = new CountDownLatch(1);
    }

    @Override
    public void close() {
        try {
            release.countDown();
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        mcp.close();
    }
}
