package dev.rafiki.tool.control;

import dev.rafiki.workspace.control.Workspaces;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The tools of one session, with the configured sandbox and limits. */
@ApplicationScoped
public class ToolRuntime {

    private static final Logger LOG = Logger.getLogger(ToolRuntime.class.getName());

    @Inject
    Workspaces workspaces;

    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.sandbox", defaultValue = "auto")
    String sandboxSetting;

    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.timeout-seconds", defaultValue = "30")
    long shellTimeout;

    @Inject
    @ConfigProperty(name = "rafiki.tool.shell.max-timeout-seconds", defaultValue = "300")
    long shellMaxTimeout;

    @Inject
    @ConfigProperty(name = "rafiki.tool.output-max-bytes", defaultValue = "65536")
    int outputMaxBytes;

    @Inject
    @ConfigProperty(name = "rafiki.tool.read-max-bytes", defaultValue = "262144")
    int readMaxBytes;

    @Inject
    @ConfigProperty(name = "rafiki.tool.write-max-bytes", defaultValue = "1048576")
    int writeMaxBytes;

    private ShellSandbox sandbox;
    private WorkspaceTools.Limits limits;

    @PostConstruct
    void init() {
        sandbox = ShellSandbox.of(sandboxSetting);
        limits = new WorkspaceTools.Limits(readMaxBytes, writeMaxBytes, outputMaxBytes,
                Duration.ofSeconds(shellTimeout), Duration.ofSeconds(shellMaxTimeout));
        if (sandbox.mode() == ShellSandbox.Mode.BWRAP) {
            LOG.info("shell tool sandbox: bubblewrap (no network, workspace only)");
        } else {
            LOG.warning("shell tool sandbox: NONE (bubblewrap not installed): shell commands run unconfined; "
                    + "install the 'bubblewrap' package or set rafiki.tool.shell.sandbox");
        }
    }

    public WorkspaceTools forSession(UUID sessionId) {
        return new WorkspaceTools(workspaces.of(sessionId), sandbox, limits);
    }
}
