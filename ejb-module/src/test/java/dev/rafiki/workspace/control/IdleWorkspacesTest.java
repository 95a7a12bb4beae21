package dev.rafiki.workspace.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdleWorkspacesTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration RETENTION = Duration.ofDays(30);
    static final Instant OLD = NOW.minus(Duration.ofDays(31));
    static final Instant RECENT = NOW.minus(Duration.ofDays(1));

    @TempDir
    Path dir;

    Path workspace(UUID id, Instant touched) throws Exception {
        var root = Files.createDirectories(dir.resolve(id.toString()));
        Files.writeString(root.resolve("f.txt"), "x");
        Files.setLastModifiedTime(root, FileTime.from(touched));
        return root;
    }

    @Test
    void aRemovalLeavesNothingBehindAndOneAStopInterruptedIsFinished() throws Exception {
        var idle = UUID.randomUUID();
        workspace(idle, OLD);
        var interrupted = Files.createDirectories(dir.resolve(IdleWorkspaces.REMOVING + UUID.randomUUID()).resolve("deep"));
        Files.writeString(interrupted.resolve("half.txt"), "x");
        var removed = IdleWorkspaces.sweep(dir, id -> Optional.empty(), NOW, RETENTION);
        assertEquals(List.of(idle), removed);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no workspace and no half-removed one");
        }
    }

    @Test
    void onlyWorkspacesIdleOnBothCountsAndWithoutPendingWorkGo() throws Exception {
        var idle = UUID.randomUUID();
        var usedByAPrompt = UUID.randomUUID();
        var uploadedTo = UUID.randomUUID();
        var busy = UUID.randomUUID();
        var orphanOld = UUID.randomUUID();
        var orphanNew = UUID.randomUUID();
        workspace(idle, OLD);
        workspace(usedByAPrompt, OLD);
        workspace(uploadedTo, RECENT);
        workspace(busy, OLD);
        workspace(orphanOld, OLD);
        workspace(orphanNew, RECENT);
        Files.createDirectories(dir.resolve("not-a-session"));
        var sessions = Map.of(
                idle, new IdleWorkspaces.SessionActivity(OLD, false),
                usedByAPrompt, new IdleWorkspaces.SessionActivity(RECENT, false),
                uploadedTo, new IdleWorkspaces.SessionActivity(OLD, false),
                busy, new IdleWorkspaces.SessionActivity(OLD, true));
        var removed = IdleWorkspaces.sweep(dir, id -> Optional.ofNullable(sessions.get(id)), NOW, RETENTION);
        assertEquals(List.of(idle, orphanOld).stream().sorted().toList(), removed.stream().sorted().toList());
        assertFalse(Files.exists(dir.resolve(idle.toString())));
        for (var kept : List.of(usedByAPrompt, uploadedTo, busy, orphanNew)) {
            assertTrue(Files.exists(dir.resolve(kept.toString()).resolve("f.txt")), kept.toString());
        }
        assertTrue(Files.exists(dir.resolve("not-a-session")));
    }

    @Test
    void theDatabaseIsAskedOnlyAboutWorkspacesUntouchedSinceTheCutoff() throws Exception {
        var old = UUID.randomUUID();
        workspace(old, OLD);
        for (int i = 0; i < 20; i++) {
            workspace(UUID.randomUUID(), RECENT);
        }
        var asked = new java.util.ArrayList<UUID>();
        var removed = IdleWorkspaces.sweep(dir, id -> {
            asked.add(id);
            return Optional.of(new IdleWorkspaces.SessionActivity(OLD, false));
        }, NOW, RETENTION);
        assertEquals(List.of(old), asked, "a recently touched workspace is kept without a query");
        assertEquals(List.of(old), removed);
        try (var left = Files.list(dir)) {
            assertEquals(20, left.count());
        }
    }

    @Test
    void aLinkInsideAnIdleWorkspaceIsRemovedNotFollowed() throws Exception {
        var outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        var id = UUID.randomUUID();
        var root = workspace(id, OLD);
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.setLastModifiedTime(root, FileTime.from(OLD));
        IdleWorkspaces.sweep(dir, x -> Optional.empty(), NOW, RETENTION);
        assertFalse(Files.exists(root));
        assertTrue(Files.exists(outside.resolve("keep.txt")));
    }

    @Test
    void oldStagingFilesGo() throws Exception {
        var staging = Files.createDirectories(dir.resolve(".incoming"));
        Files.writeString(staging.resolve("old"), "x");
        Files.setLastModifiedTime(staging.resolve("old"), FileTime.from(NOW.minus(Duration.ofDays(2))));
        Files.writeString(staging.resolve("new"), "x");
        Files.setLastModifiedTime(staging.resolve("new"), FileTime.from(NOW.minusSeconds(60)));
        IdleWorkspaces.sweep(dir, x -> Optional.empty(), NOW, RETENTION);
        assertFalse(Files.exists(staging.resolve("old")));
        assertTrue(Files.exists(staging.resolve("new")));
    }
}
