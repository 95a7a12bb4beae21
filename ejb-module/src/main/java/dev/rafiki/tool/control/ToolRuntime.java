package dev.rafiki.tool.control;

import dev.rafiki.workspace.control.Workspace;
import dev.rafiki.workspace.control.Workspaces;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The tools of one session, with the configured sandbox and limits. The sandbox is chosen once,
 * at start, and fails closed: without a working one the shell is neither offered nor run, unless
 * an operator explicitly chose to run commands unconfined.
 */
@ApplicationScoped
public class ToolRuntime {

    private static final Logger LOG = Logger.getLogger(ToolRuntime.class.getName());

    @Inject
    Workspaces workspaces;

    @Inject
    McpTools mcp;

    @Inject
    ToolSettings settings;

    private ShellSandbox sandbox;
    private WorkspaceTools.Limits limits;
    private List<ToolSpec> specs;

    /** At start, so the log says at once whether shell commands can run, and how confined. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        sandbox.mode();
    }

    @PostConstruct
    void init() {
        sandbox = ShellSandbox.of(settings.sandbox, settings.bwrapPath);
        limits = new WorkspaceTools.Limits(settings.readMaxBytes, settings.writeMaxBytes, settings.outputMaxBytes,
                Duration.ofSeconds(settings.shellTimeoutSeconds), Duration.ofSeconds(settings.shellMaxTimeoutSeconds));
        specs = WorkspaceTools.specs(sandbox);
        switch (sandbox.mode()) {
            case BWRAP -> LOG.info("shell tool sandbox: bubblewrap (no network, workspace only)");
            case NONE -> LOG.warning("shell tool sandbox: NONE (rafiki.tool.shell.sandbox=none): shell commands run "
                    + "UNCONFINED, as the server's own user, with everything it may read (its keys, the database "
                    + "files, other workspaces) and the network; use this on development machines only");
            case UNAVAILABLE -> LOG.severe("shell tool DISABLED: " + sandbox.unavailableBecause() + ". run_shell is not "
                    + "offered to models and refuses to run. Install bubblewrap ('apt-get install bubblewrap') where it "
                    + "can create namespaces, or set rafiki.tool.shell.sandbox=none to run shell commands unconfined "
                    + "(development machines only)");
        }
    }

    /**
     * The MCP servers of a run: the operator's, and those its profile registered.
     *
     * @param profileId the run's profile, null for none (then {@code own} is empty)
     */
    public McpTools.Servers mcpServers(UUID profileId, List<McpRegistration> own) {
        return mcp.servers(profileId, own);
    }

    /**
     * The tools of one session: an MCP tool's name goes to its server, any other to the workspace
     * tools; the workspace is made at the first call of one of them.
     */
    public SessionTools forSession(UUID sessionId, McpTools.Servers mcpServers) {
        var workspace = workspaces.onDemand(sessionId);
        return (name, arguments, cancelled) -> {
            if (McpTools.isMcp(name)) {
                return mcpServers.call(name, arguments, cancelled);
            }
            try {
                return new WorkspaceTools(workspace.get(), sandbox, limits).call(name, arguments, cancelled);
            } catch (Workspace.WorkspaceException e) {
                return ToolResult.failed(e.getMessage() + "; the tool did not run");
            }
        };
    }

    /**
     * The tools models may be offered here: the workspace tools (without a shell, no
     * {@code run_shell}), then the MCP servers' tools, which a profile must name to be offered.
     */
    public List<ToolSpec> specs(McpTools.Servers mcpServers) {
        var mcpSpecs = mcpServers.specs();
        if (mcpSpecs.isEmpty()) {
            return specs;
        }
        var all = new java.util.ArrayList<>(specs);
        all.addAll(mcpSpecs);
        return all;
    }
}
