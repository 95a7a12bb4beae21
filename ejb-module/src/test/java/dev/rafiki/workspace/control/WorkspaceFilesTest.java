package dev.rafiki.workspace.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.tool.control.ShellSandbox;
import dev.rafiki.tool.control.WorkspaceTools;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceFilesTest {

    @TempDir
    Path dir;

    WorkspaceFiles files = new WorkspaceFiles();
    UUID session = UUID.randomUUID();

    @BeforeEach
    void setUp() {
        files.workspaces = new Workspaces();
        files.workspaces.settings = dev.rafiki.platform.config.Settings.defaults(WorkspaceSettings.class);
        files.workspaces.settings.dir = Optional.of(dir.toString());
        files.settings = dev.rafiki.platform.config.Settings.defaults(WorkspaceSettings.class);
        files.settings.maxUploadBytes = 100;
        files.settings.quotaBytes = 150;
    }

    static ByteArrayInputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUploadIsListedWithItsSizeAndHashAndReplacedWhole() throws Exception {
        var stored = files.store(session, "in/data.txt", bytes("hello"), 5);
        assertEquals("in/data.txt", stored.path());
        assertEquals(sha256("hello"), stored.sha256());
        files.store(session, "in/data.txt", bytes("hello again"), -1);
        var listing = files.list(session);
        assertEquals(1, listing.items().size());
        assertEquals(11, listing.items().get(0).size());
        assertEquals(sha256("hello again"), listing.items().get(0).sha256());
        assertEquals(11, listing.usedBytes());
        try (var staging = Files.list(dir.resolve(".incoming"))) {
            assertEquals(0, staging.count(), "no staging file is left behind");
        }
    }

    @Test
    void pagesFollowThePathInBothDirectionsAndCountEveryFilesBytes() {
        var paths = java.util.List.of("a", "b/c", "b/d", "e", "f/g/h");
        for (var path : paths) {
            files.store(session, path, bytes("x"), 1);
        }
        var first = files.page(session, null, false, 2);
        assertEquals(java.util.List.of("a", "b/c"), first.items().stream().map(WorkspaceFiles.FileEntry::path).toList());
        assertEquals("b/c", first.nextCursor());
        assertEquals(5, first.usedBytes());
        var forward = new java.util.ArrayList<String>();
        var backward = new java.util.ArrayList<String>();
        for (var descending : new boolean[] {false, true}) {
            String after = null;
            do {
                var page = files.page(session, after, descending, 2);
                assertTrue(page.items().size() <= 2);
                page.items().forEach(f -> (descending ? backward : forward).add(f.path()));
                after = page.nextCursor();
            } while (after != null);
        }
        assertEquals(paths, forward);
        java.util.Collections.reverse(backward);
        assertEquals(paths, backward);
    }

    @Test
    void aFileAToolWroteIsHashedWhenListedAndAgainAfterItChanged() throws Exception {
        var tools = new WorkspaceTools(files.workspaces.of(session), ShellSandbox.of("none", Optional.empty()),
                new WorkspaceTools.Limits(1000, 1000, 1000, Duration.ofSeconds(5), Duration.ofSeconds(5)));
        tools.call("write_file", "{\"path\":\"a.txt\",\"content\":\"one\"}", () -> false);
        assertEquals(sha256("one"), files.list(session).items().get(0).sha256());
        tools.call("write_file", "{\"path\":\"a.txt\",\"content\":\"three\"}", () -> false);
        assertEquals(sha256("three"), files.list(session).items().get(0).sha256());
    }

    @Test
    void pathsTheToolsRefuseAreRefusedWithTheToolsWords() throws Exception {
        var workspace = files.workspaces.of(session);
        Files.createSymbolicLink(workspace.root().resolve("out"), dir);
        for (var path : new String[] {"../x", "/etc/passwd", "a/../../x", "out/x", "a\u0000b"}) {
            var refused = assertThrows(ApiException.class, () -> files.store(session, path, bytes("x"), 1), path);
            assertEquals(ErrorCode.PATH_NOT_ALLOWED, refused.code(), path);
            var toolSays = assertThrows(Workspace.WorkspaceException.class, () -> workspace.resolve(path));
            assertEquals(toolSays.getMessage(), refused.getMessage());
            assertEquals(ErrorCode.PATH_NOT_ALLOWED, assertThrows(ApiException.class, () -> files.open(session, path)).code());
        }
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void theSizeLimitAndTheQuotaAreToldApart() throws Exception {
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE,
                assertThrows(ApiException.class, () -> files.store(session, "big", bytes("x".repeat(101)), -1)).code());
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE,
                assertThrows(ApiException.class, () -> files.store(session, "big", bytes(""), 101)).code());
        files.store(session, "a", bytes("x".repeat(100)), -1);
        assertEquals(ErrorCode.QUOTA_EXCEEDED,
                assertThrows(ApiException.class, () -> files.store(session, "b", bytes("x".repeat(51)), -1)).code());
        assertEquals(ErrorCode.QUOTA_EXCEEDED,
                assertThrows(ApiException.class, () -> files.store(session, "b", bytes(""), 51)).code());
        // replacing a file frees its own size first
        files.store(session, "a", bytes("x".repeat(100)), 100);
        files.store(session, "b", bytes("x".repeat(50)), 50);
        assertEquals(150, files.list(session).usedBytes());
        assertFalse(files.list(session).items().stream().anyMatch(f -> f.path().equals("big")));
    }

    @Test
    void deletingRemovesOnlyRegularFiles() throws Exception {
        files.store(session, "d/f.txt", bytes("x"), 1);
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(ApiException.class, () -> files.delete(session, "d")).code());
        assertEquals(ErrorCode.PATH_NOT_ALLOWED, assertThrows(ApiException.class, () -> files.store(session, "d", bytes("x"), 1)).code());
        assertEquals(ErrorCode.PATH_NOT_ALLOWED, assertThrows(ApiException.class, () -> files.store(session, "d/f.txt/g", bytes("x"), 1)).code());
        files.delete(session, "d/f.txt");
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(ApiException.class, () -> files.delete(session, "d/f.txt")).code());
        assertTrue(files.list(session).items().isEmpty());
    }

    @Test
    void aDirectorySwappedForALinkAfterTheCheckLeadsNowhere() throws Exception {
        var workspace = files.workspaces.of(session);
        files.store(session, "d/f.txt", bytes("inside"), -1);
        var outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("f.txt"), "secret");
        // what the agent's shell can do between a request's check and its use of the path
        var checked = workspace.resolve("d/f.txt");
        Files.move(workspace.root().resolve("d"), workspace.root().resolve("d.old"));
        Files.createSymbolicLink(workspace.root().resolve("d"), outside);
        assertThrows(java.nio.file.FileSystemException.class, () -> workspace.openParent(checked).close());
        // every route checks again, and the listing walks through directory handles only
        assertEquals(ErrorCode.PATH_NOT_ALLOWED, assertThrows(ApiException.class, () -> files.open(session, "d/f.txt")).code());
        assertEquals(ErrorCode.PATH_NOT_ALLOWED, assertThrows(ApiException.class, () -> files.delete(session, "d/f.txt")).code());
        assertEquals(java.util.List.of("d.old/f.txt"), files.list(session).items().stream().map(WorkspaceFiles.FileEntry::path).toList());
        assertEquals("secret", Files.readString(outside.resolve("f.txt")));
    }

    @Test
    void anOpenedFileIsTheOneItsHashDescribes() throws Exception {
        files.store(session, "a.txt", bytes("first"), -1);
        var opened = files.open(session, "a.txt");
        files.store(session, "a.txt", bytes("second!"), -1);
        try (var channel = opened.channel()) {
            var buffer = java.nio.ByteBuffer.allocate(100);
            channel.read(buffer);
            assertEquals("first", new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            assertEquals(sha256("first"), opened.entry().sha256());
        }
    }
}
