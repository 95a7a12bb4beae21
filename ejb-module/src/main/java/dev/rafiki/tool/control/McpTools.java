package dev.rafiki.tool.control;

import dev.rafiki.platform.net.OutboundTargets;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * The tools of MCP servers, named {@code <server>.<tool>}: those an operator registered
 * ({@code rafiki.mcp.<name>.url}), offered wherever a profile names them, and those an agent
 * profile registered itself ({@link McpRegistration}), for that profile's prompts only. A name with
 * a dot is an MCP tool's and nothing else's: built-in tools have none. A server that cannot be
 * reached offers the tools it was last seen with (none if it never was), and a call to one of them
 * is answered with a tool error.
 * <p>
 * A profile's server is opened and listed like an operator's, once per profile and registration
 * (so every version of the profile that keeps it shares its session and tool list), and kept
 * among the most recently used ({@code rafiki.mcp.profile-servers-max-open}); its URL came from
 * a user, so it is judged by the outbound address rules before every connection and call.
 */
@ApplicationScoped
public class McpTools {

    private static final Logger LOG = Logger.getLogger(McpTools.class.getName());

    @Inject
    Config config;

    @Inject
    ToolSettings toolSettings;

    @Resource
    ManagedExecutorService executor;

    private Map<String, McpServer> servers = Map.of();
    private McpServer.Settings settings;
    private Servers operatorOnly = new Servers(Map.of());

    private record ProfileServer(UUID profileId, McpRegistration registration) {
    }

    /** The profiles' servers in use, least recently used first; one that falls out is closed. */
    private final LinkedHashMap<ProfileServer, McpServer> profileServers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ProfileServer, McpServer> eldest) {
            if (size() <= toolSettings.mcpProfileServersMaxOpen) {
                return false;
            }
            eldest.getValue().close();
            return true;
        }
    };

    /** At start: the registrations are logged, and every server's tools listed in the background. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        servers.values().forEach(McpServer::refresh);
    }

    @PostConstruct
    void init() {
        var jackson = tools.jackson.databind.json.JsonMapper.builder().build();
        settings = new McpServer.Settings(new JacksonMcpJsonMapper(jackson), jackson, Duration.ofSeconds(toolSettings.mcpToolsTtlSeconds),
                Duration.ofSeconds(toolSettings.mcpRetrySeconds), toolSettings.outputMaxBytes, executor);
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
        operatorOnly = new Servers(servers);
    }

    @PreDestroy
    void close() {
        servers.values().forEach(McpServer::close);
        synchronized (profileServers) {
            profileServers.values().forEach(McpServer::close);
            profileServers.clear();
        }
    }

    /** The names of the operator's servers, reachable or not: a profile's own servers may not take them. */
    public Set<String> operatorServers() {
        return servers.keySet();
    }

    /**
     * Why a profile may not register an MCP server at this URL (the webhooks' address rules, with
     * {@code rafiki.mcp.allow-private-networks} for private networks), or null.
     */
    public String urlProblem(String what, String url) {
        return OutboundTargets.problem(what, url, toolSettings.mcpAllowPrivateNetworks);
    }

    /**
     * The MCP servers one run may use: the operator's, and those its profile registered (none
     * for a run without a profile). A profile's server named like an operator's is left out: the
     * operator registered that name after the profile was saved.
     */
    public Servers servers(UUID profileId, List<McpRegistration> own) {
        if (own.isEmpty()) {
            return operatorOnly;
        }
        var all = new LinkedHashMap<>(servers);
        for (var registration : own) {
            if (all.containsKey(registration.name())) {
                LOG.warning(() -> "agent " + profileId + ": its MCP server '" + registration.name()
                        + "' is not used: the operator registered a server of that name");
                continue;
            }
            all.put(registration.name(), profileServer(new ProfileServer(profileId, registration)));
        }
        return new Servers(all);
    }

    private McpServer profileServer(ProfileServer key) {
        synchronized (profileServers) {
            var server = profileServers.get(key);
            if (server == null) {
                var registration = key.registration();
                var config = new McpServerConfig(registration.name(), registration.url(), registration.transport(),
                        registration.headers(), Duration.ofSeconds(toolSettings.mcpProfileTimeoutSeconds), Duration.ofSeconds(toolSettings.mcpProfileConnectTimeoutSeconds));
                server = new McpServer(config, settings, url -> OutboundTargets.resolvedProblem(url, toolSettings.mcpAllowPrivateNetworks));
                profileServers.put(key, server);
            }
            return server;
        }
    }

    /** The MCP servers of one run, by name. */
    public static final class Servers {

        private final Map<String, McpServer> byName;

        Servers(Map<String, McpServer> byName) {
            this.byName = Map.copyOf(byName);
        }

        /** Their tools, listed now or taken from the cache. */
        public List<ToolSpec> specs() {
            var specs = new ArrayList<ToolSpec>();
            for (var server : byName.values()) {
                specs.addAll(server.specs());
            }
            return specs;
        }

        /** Calls {@code <server>.<tool>}; an unknown server, a failure or a timeout is a failed result. */
        public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
            int dot = name.indexOf('.');
            var server = dot > 0 ? byName.get(name.substring(0, dot)) : null;
            if (server == null) {
                return ToolResult.failed("no MCP server is registered for the tool '" + name + "'; nothing was called");
            }
            return server.call(name.substring(dot + 1), arguments, cancelled);
        }
    }

    /** Whether a tool name is an MCP tool's ({@code <server>.<tool>}). */
    public static boolean isMcp(String name) {
        return name != null && name.indexOf('.') > 0;
    }

    /** The tools of every operator-registered server, listed now or taken from the cache. */
    public List<ToolSpec> specs() {
        return operatorOnly.specs();
    }

    public Set<String> names() {
        return specs().stream().map(ToolSpec::name).collect(Collectors.toUnmodifiableSet());
    }

}
