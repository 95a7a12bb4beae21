package dev.rafiki.workspace.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.workspace.control.Workspace.WorkspaceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {

    @TempDir
    Path temp;

    /** A directory next to the workspace, standing for everything of the host outside it. */
    Path outside;
    Workspace workspace;

    @BeforeEach
    void create() throws IOException {
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "top secret");
        workspace = new Workspace(temp.resolve("ws"));
    }

    WorkspaceException refused(String path) {
        return assertThrows(WorkspaceException.class, () -> workspace.resolve(path), () -> "accepted: " + path);
    }

    @Test
    void constructorCreatesTheRootAndKeepsItsRealPath() throws IOException {
        assertTrue(Files.isDirectory(temp.resolve("ws")));
        assertEquals(temp.resolve("ws").toRealPath(), workspace.root());
    }

    @Test
    void relativePathsResolveInsideTheRoot() throws Exception {
        assertEquals(workspace.root().resolve("a.txt"), workspace.resolve("a.txt"));
        assertEquals(workspace.root().resolve("dir/sub/b.txt"), workspace.resolve("dir/sub/b.txt"));
        assertEquals(workspace.root().resolve("c"), workspace.resolve("./c"));
        assertEquals(workspace.root(), workspace.resolve("."));
    }

    @Test
    void dotDotThatStaysInsideIsFine() throws Exception {
        assertEquals(workspace.root().resolve("b"), workspace.resolve("a/../b"));
        assertEquals(workspace.root().resolve("x/z"), workspace.resolve("x/y/../z"));
    }

    @Test
    void absolutePathIsRefused() {
        var e = refused("/etc/passwd");
        assertTrue(e.getMessage().contains("absolute paths are not allowed"), e.getMessage());
        // even an absolute path that points into the workspace itself
        refused(workspace.root().resolve("a.txt").toString());
    }

    @Test
    void dotDotLeavingTheRootIsRefused() {
        for (var path : new String[] {"../x", "a/../../x", "..", "../outside/secret.txt", "a/b/../../../x"}) {
            var e = refused(path);
            assertTrue(e.getMessage().contains("leaves the workspace"), path + ": " + e.getMessage());
        }
    }

    @Test
    void siblingDirectoryWithTheRootAsNamePrefixIsRefused() throws IOException {
        // "ws-other" starts with the text "ws": a string prefix check would let it through
        Files.createDirectories(temp.resolve("ws-other"));
        refused("../ws-other/x");
    }

    @Test
    void nulCharacterIsRefused() {
        var e = refused("a\0b");
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    }

    @Test
    void blankOrMissingPathIsRefused() {
        for (var path : new String[] {"", "   ", "\t", null}) {
            var e = refused(path);
            assertTrue(e.getMessage().contains("a path is required"), e.getMessage());
        }
    }

    @Test
    void symbolicLinkToOutsideIsRefusedAsTarget() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("link"), outside.resolve("secret.txt"));
        var e = refused("link");
        assertTrue(e.getMessage().contains("symbolic links"), e.getMessage());
    }

    @Test
    void symbolicLinkToOutsideDirectoryIsRefusedOnTheWay() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("link"), outside);
        var e = refused("link/secret.txt");
        assertTrue(e.getMessage().contains("symbolic links"), e.getMessage());
        // also when the file below does not exist (it would be created outside)
        refused("link/new.txt");
        refused("link/deeper/new.txt");
    }

    @Test
    void symbolicLinkDeeperInTheWorkspaceIsRefused() throws IOException {
        var dir = Files.createDirectories(workspace.root().resolve("a/b"));
        Files.createSymbolicLink(dir.resolve("c"), outside);
        refused("a/b/c/secret.txt");
        refused("a/b/c");
    }

    @Test
    void symbolicLinkPointingInsideIsRefusedToo() throws IOException {
        // links are never followed, wherever they point: the target could be changed later
        Files.writeString(workspace.root().resolve("real.txt"), "x");
        Files.createSymbolicLink(workspace.root().resolve("alias"), workspace.root().resolve("real.txt"));
        refused("alias");
    }

    @Test
    void nonExistentPathBelowAnExistingDirectoryIsAllowed() throws Exception {
        Files.createDirectories(workspace.root().resolve("dir"));
        var resolved = workspace.resolve("dir/new/deeper/file.txt");
        assertEquals(workspace.root().resolve("dir/new/deeper/file.txt"), resolved);
        assertFalse(Files.exists(resolved));
    }

    @Test
    void relativeNamesAPathInsideTheWorkspace() {
        assertEquals("dir/a.txt", workspace.relative(workspace.root().resolve("dir/a.txt")));
        assertEquals(".", workspace.relative(workspace.root()));
    }
}
