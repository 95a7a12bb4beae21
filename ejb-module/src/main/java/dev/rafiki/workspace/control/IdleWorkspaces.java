package dev.rafiki.workspace.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Which workspaces have been idle longer than the retention, and their removal. A workspace's
 * last activity is the later of its session's last change (a prompt that ran updates it) and the
 * workspace directory's own time (set by every upload and delete through the API; a tool adding
 * or removing a top-level entry changes it too). A session with a prompt queued or running keeps
 * its workspace whatever its age. A directory whose session is gone (deleted while this node was
 * down, or an id no session ever had) goes once it is itself older than the retention, so a
 * session being created as the sweep runs is not touched. Staging files of uploads cut off by a
 * crash go after a day.
 */
public final class IdleWorkspaces {

    static final Duration STAGING_AGE = Duration.ofDays(1);

    /** What the database knows of a session: its last change and whether work is pending. */
    public record SessionActivity(Instant updatedAt, boolean pending) {
    }

    private IdleWorkspaces() {
    }

    /** @return the sessions whose workspaces were removed */
    /** The name prefix of a workspace being removed. */
    static final String REMOVING = ".removing-";

    public static List<UUID> sweep(Path directory, Function<UUID, Optional<SessionActivity>> sessions, Instant now,
                                   Duration retention) throws IOException {
        var removed = new ArrayList<UUID>();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        var cutoff = now.minus(retention);
        List<Path> entries;
        try (var list = Files.list(directory)) {
            entries = list.toList();
        }
        for (var entry : entries) {
            var name = entry.getFileName().toString();
            if (name.equals(".incoming")) {
                removeOldStaging(entry, now.minus(STAGING_AGE));
                continue;
            }
            if (name.startsWith(REMOVING)) {
                Workspaces.deleteTree(entry); // a removal a stop or crash interrupted
                continue;
            }
            UUID session;
            try {
                session = UUID.fromString(name);
            } catch (IllegalArgumentException notAWorkspace) {
                continue;
            }
            if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            var touched = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (!touched.isBefore(cutoff)) {
                // kept whatever its session says: a sweep asks the database only about candidates
                continue;
            }
            var activity = sessions.apply(session);
            if (activity.isPresent() && activity.get().pending()) {
                continue;
            }
            var last = activity.map(a -> a.updatedAt().isAfter(touched) ? a.updatedAt() : touched).orElse(touched);
            if (last.isBefore(cutoff)) {
                // out of sight in one step, then deleted: nobody sees half a workspace (FilesIT saw
                // one file gone and the next still there), and a new upload starts a fresh one
                var removing = directory.resolve(REMOVING + name);
                Files.move(entry, removing, StandardCopyOption.ATOMIC_MOVE);
                Workspaces.deleteTree(removing);
                removed.add(session);
            }
        }
        return removed;
    }

    private static void removeOldStaging(Path staging, Instant cutoff) throws IOException {
        try (var files = Files.list(staging)) {
            for (var file : files.toList()) {
                if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
