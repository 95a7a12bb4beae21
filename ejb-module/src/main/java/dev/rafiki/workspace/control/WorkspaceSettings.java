package dev.rafiki.workspace.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Session workspaces and the files in them. */
@Dependent
public class WorkspaceSettings {

    /**
     * Where workspaces live; unset: {@code <rafiki.data.dir>/workspaces}, worked out by
     * {@link Workspaces} since MicroProfile Config does not expand {@code ${…}} in defaults.
     */
    @Inject
    @ConfigProperty(name = "rafiki.workspace.dir")
    public Optional<String> dir;

    /** Largest file upload (64 MiB), declared or chunked. */
    @Inject
    @ConfigProperty(name = "rafiki.files.max-upload-bytes", defaultValue = "67108864")
    public long maxUploadBytes;

    /** Bytes a session's workspace may hold after an upload (1 GiB); the agent's own writes count but are not refused. */
    @Inject
    @ConfigProperty(name = "rafiki.files.quota-bytes", defaultValue = "1073741824")
    public long quotaBytes;

    /** A workspace idle longer than this is removed (the session and its history stay); zero keeps workspaces. */
    @Inject
    @ConfigProperty(name = "rafiki.files.idle-retention", defaultValue = "P30D")
    public Duration idleRetention;

    /** How often each node looks for idle workspaces. */
    @Inject
    @ConfigProperty(name = "rafiki.files.sweep-interval-seconds", defaultValue = "600")
    public long sweepIntervalSeconds;
}
