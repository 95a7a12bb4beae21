package dev.rafiki.tool.control;

import dev.rafiki.agent.model.ToolSpec;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The tools of the MCP servers an operator registered ({@code rafiki.mcp.<name>.url}), named
 * {@code <server>.<tool>}. A name with a dot is an MCP tool's and nothing else's: built-in tools
 * have none. A server that cannot be reached offers the tools it was last seen with (none if it
 * never was), and a call to one of them is answered with a tool error.
 */
@ApplicationScoped
public class McpTools {

    private static final Logger LOG = Logger.getLogger(McpTools.class.getName());

    @Inject
    Config config;

    @Inject
    @ConfigProperty(name = "rafiki.mcp.tools-ttl-seconds", defaultValue = "300")
    long ttlSeconds;

    @Inject
    @ConfigProperty(name = "rafiki.mcp.retry-seconds", defaultValue = "10")
    long retrySeconds;

    @Inject
    @ConfigProperty(name = "rafiki.tool.output-max-bytes", defaultValue = "65536")
    int outputMaxBytes;

    @Resource
    ManagedExecutorService executor;

    private Map<String, McpServer> servers = Map.of();

    /** At start: the registrations are logged, and every server's tools listed in the background. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        servers.values().forEach(McpServer::refresh);
    }

    @PostConstruct
    void init() {
        var jackson = tools.jackson.databind.json.JsonMapper.builder().build();
        var settings = new McpServer.Settings(new JacksonMcpJsonMapper(jackson), jackson, Duration.ofSeconds(ttlSeconds),
                Duration.ofSeconds(retrySeconds), outputMaxBytes, executor);
        var found = new LinkedHashMap<String, McpServer>();
        var propertyNames = new ArrayList<String>();
        config.getPropertyNames().forEach(propertyNames::add);
        for (var name : McpServerConfig.names(propertyNames)) {
            try {
                var server = McpServerConfig.read(name, propertyNames, key -> config.getOptionalValue(key, String.class));
                found.put(name, new McpServer(server, settings));
                LOG.info(() -> "MCP server registered: " + server);
            } catch (RuntimeException e) {
                LOG.severe("MCP server '" + name + "' NOT registered: " + e.getMessage());
            }
        }
        servers = Map.copyOf(found);
    }

    @PreDestroy
    void close() {
        servers.values().forEach(McpServer::close);
    }

    /** Whether a tool name is an MCP tool's ({@code <server>.<tool>}). */
    public static boolean isMcp(String name) {
        return name != null && name.indexOf('.') > 0;
    }

    /** The tools of every registered server, listed now or taken from the cache. */
    public List<ToolSpec> specs() {
        var specs = new ArrayList<ToolSpec>();
        for (var server : servers.values()) {
            specs.addAll(server.specs());
        }
        return specs;
    }

    public Set<String> names() {
        return specs().stream().map(ToolSpec::name).collect(Collectors.toUnmodifiableSet());
    }

    /** Calls {@code <server>.<tool>}; an unknown server, a failure or a timeout is a failed result. */
    public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
        int dot = name.indexOf('.');
        var server = dot > 0 ? servers.get(name.substring(0, dot)) : null;
        if (server == null) {
            return ToolResult.failed("no MCP server is registered for the tool '" + name + "'; nothing was called");
        }
        return server.call(name.substring(dot + 1), arguments, cancelled);
    }
}
