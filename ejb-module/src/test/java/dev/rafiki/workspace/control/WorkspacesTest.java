package dev.rafiki.workspace.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {

    @TempDir
    Path root;

    Workspaces workspaces() {
        var workspaces = new Workspaces();
        workspaces.settings = dev.rafiki.platform.config.Settings.defaults(WorkspaceSettings.class);
        workspaces.settings.dir = Optional.of(root.toString());
        return workspaces;
    }

    @Test
    void aForkGetsACopyOfTheFilesDirectoriesAndLinksAsTheyAre() throws Exception {
        var from = UUID.randomUUID();
        var to = UUID.randomUUID();
        var source = Files.createDirectories(root.resolve(from.toString()).resolve("notes/empty"));
        Files.writeString(source.getParent().resolve("todo.txt"), "buy milk");
        Files.createSymbolicLink(root.resolve(from.toString()).resolve("passwd"), Path.of("/etc/passwd"));

        workspaces().copy(from, to);

        var copy = root.resolve(to.toString());
        assertEquals("buy milk", Files.readString(copy.resolve("notes/todo.txt")));
        assertTrue(Files.isDirectory(copy.resolve("notes/empty")));
        assertTrue(Files.isSymbolicLink(copy.resolve("passwd")), "a link is copied as a link, not followed");
        assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(copy.resolve("passwd")));
        Files.writeString(copy.resolve("notes/todo.txt"), "buy bread");
        assertEquals("buy milk", Files.readString(source.getParent().resolve("todo.txt")), "the copies are apart");
    }

    @Test
    void aSessionWithoutAWorkspaceGivesItsForkNone() {
        var to = UUID.randomUUID();
        workspaces().copy(UUID.randomUUID(), to);
        assertFalse(Files.exists(root.resolve(to.toString()), LinkOption.NOFOLLOW_LINKS));
    }
}
