package dev.rafiki.workspace.control;

import dev.rafiki.platform.config.NodeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Where sessions' workspaces live: {@code <rafiki.workspace.dir>/<session id>}. */
@ApplicationScoped
public class Workspaces {

    private static final Logger LOG = Logger.getLogger(Workspaces.class.getName());

    @Inject
    WorkspaceSettings settings;

    @Inject
    NodeSettings node;

    /** The directory that holds every session's workspace (and nothing else but the uploads' staging area). */
    public Path directory() {
        // default values are not expanded by MicroProfile Config, hence no "${rafiki.data.dir}" default
        return settings.dir.map(Path::of).orElseGet(() -> Path.of(node.dataDir, "workspaces")).toAbsolutePath();
    }

    public Workspace of(UUID sessionId) {
        try {
            return new Workspace(directory().resolve(sessionId.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A session's workspace, made at the first {@link #get} and then the same. */
    public interface OnDemand {
        /** @throws Workspace.WorkspaceException when it cannot be made; the message names no server path */
        Workspace get() throws Workspace.WorkspaceException;
    }

    /**
     * The session's workspace as {@link #of} gives it, made only when first asked for: most
     * prompts call no tool, and a directory per session (per job) that nothing used was a
     * {@code mkdir} and a path resolution per run for nothing.
     */
    public OnDemand onDemand(UUID sessionId) {
        return new OnDemand() {
            private Workspace made;

            @Override
            public synchronized Workspace get() throws Workspace.WorkspaceException {
                if (made == null) {
                    try {
                        made = of(sessionId);
                    } catch (UncheckedIOException e) {
                        // the path is the server's business, not the model's
                        LOG.log(Level.WARNING, "the workspace of session " + sessionId + " could not be made", e.getCause());
                        throw new Workspace.WorkspaceException("the session's workspace could not be made");
                    }
                }
                return made;
            }
        };
    }

    /** Removes a deleted session's workspace. */
    public void delete(UUID sessionId) {
        deleteTree(directory().resolve(sessionId.toString()));
    }

    /**
     * Copies a session's workspace into a new session's (a fork's): files, directories and
     * symbolic links as they are (links copied as links, never followed). Nothing to copy when the
     * session has no workspace yet.
     */
    public void copy(UUID from, UUID to) {
        var source = directory().resolve(from.toString());
        var target = directory().resolve(to.toString());
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(source)) {
            for (var path : paths.toList()) {
                var copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            deleteTree(target);
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a directory and everything under it; symbolic links are removed, never followed. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
