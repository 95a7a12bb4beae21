package dev.rafiki.tool.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The workspace tools and MCP servers. The keys of one operator-registered server
 * ({@code rafiki.mcp.<name>.*}) are read by {@link McpServerConfig}, since their names are only
 * known from the configuration itself.
 */
@Dependent
public class ToolSettings {

    /** {@code auto}, {@code bwrap} or {@code none}; anything else leaves no shell ({@link ShellSandbox}). */
    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.sandbox", defaultValue = "auto")
    public String sandbox;

    /** The bubblewrap binary; unset: looked for in the usual places. */
    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.bwrap-path")
    public Optional<String> bwrapPath;

    /** Default time limit of a shell command. */
    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.timeout-seconds", defaultValue = "30")
    public long shellTimeoutSeconds;

    /** The longest time limit a model may ask for. */
    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.max-timeout-seconds", defaultValue = "300")
    public long shellMaxTimeoutSeconds;

    /** Output kept per shell command or MCP call. */
    @Inject
    @ConfigProperty(name = "rafiki.tool.output-max-bytes", defaultValue = "65536")
    public int outputMaxBytes;

    /** {@code read_file} cap. */
    @Inject
    @ConfigProperty(name = "rafiki.tool.read-max-bytes", defaultValue = "262144")
    public int readMaxBytes;

    /** {@code write_file} cap. */
    @Inject
    @ConfigProperty(name = "rafiki.tool.write-max-bytes", defaultValue = "1048576")
    public int writeMaxBytes;

    /** How long a server's tool list is used before it is listed again (a {@code list_changed} refreshes it at once). */
    @Inject
    @ConfigProperty(name = "rafiki.mcp.tools-ttl-seconds", defaultValue = "300")
    public long mcpToolsTtlSeconds;

    /** Pause before listing a server again after it failed. */
    @Inject
    @ConfigProperty(name = "rafiki.mcp.retry-seconds", defaultValue = "10")
    public long mcpRetrySeconds;

    /** Off by default: a profile's MCP server must not reach into this machine or its network. */
    @Inject
    @ConfigProperty(name = "rafiki.mcp.allow-private-networks", defaultValue = "false")
    public boolean mcpAllowPrivateNetworks;

    /** Longest {@code tools/call} to a server of a profile. */
    @Inject
    @ConfigProperty(name = "rafiki.mcp.profile-timeout-seconds", defaultValue = "60")
    public long mcpProfileTimeoutSeconds;

    /** Bounds connecting, {@code initialize} and {@code tools/list} of a server of a profile. */
    @Inject
    @ConfigProperty(name = "rafiki.mcp.profile-connect-timeout-seconds", defaultValue = "10")
    public long mcpProfileConnectTimeoutSeconds;

    /** Servers of profiles a node keeps open, the most recently used; one beyond is closed and opened again when used. */
    @Inject
    @ConfigProperty(name = "rafiki.mcp.profile-servers-max-open", defaultValue = "200")
    public int mcpProfileServersMaxOpen;
}
