package dev.rafiki.workspace.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where sessions' workspaces live: {@code <rafiki.workspace.dir>/<session id>}. */
@ApplicationScoped
public class Workspaces {

    @Inject
    @ConfigProperty(name = "rafiki.workspace.dir")
    java.util.Optional<String> configured;

    @Inject
    @ConfigProperty(name = "rafiki.data.dir", defaultValue = "data")
    String dataDir;

    /** The directory that holds every session's workspace (and nothing else but the uploads' staging area). */
    public Path directory() {
        // default values are not expanded by MicroProfile Config, hence no "${rafiki.data.dir}" default
        return configured.map(Path::of).orElseGet(() -> Path.of(dataDir, "workspaces")).toAbsolutePath();
    }

    public Workspace of(UUID sessionId) {
        try {
            return new Workspace(directory().resolve(sessionId.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a deleted session's workspace. */
    public void delete(UUID sessionId) {
        deleteTree(directory().resolve(sessionId.toString()));
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
