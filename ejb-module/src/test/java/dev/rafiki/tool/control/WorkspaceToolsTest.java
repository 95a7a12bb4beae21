package dev.rafiki.tool.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.workspace.control.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceToolsTest {

    static final String SECRET = "outside-secret-4711";

    @TempDir
    Path temp;

    Path outside;
    Workspace workspace;
    WorkspaceTools tools;

    @BeforeEach
    void create() throws IOException {
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        workspace = new Workspace(temp.resolve("ws"));
        tools = new WorkspaceTools(workspace, ShellSandbox.none(),
                new WorkspaceTools.Limits(16, 32, 1024, Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }

    ToolResult call(String name, String arguments) {
        return tools.call(name, arguments, () -> false);
    }

    static void assertError(ToolResult result, String expectedPart) {
        assertTrue(result.error(), () -> "expected an error, got: " + result);
        assertTrue(result.content().contains(expectedPart), () -> "expected '" + expectedPart + "' in: " + result.content());
    }

    static void assertOk(ToolResult result) {
        assertFalse(result.error(), () -> "expected success, got: " + result);
    }

    void assertNothingOutsideChanged() throws IOException {
        try (var files = Files.list(outside)) {
            assertEquals(List.of("secret.txt"), files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
        assertEquals(SECRET, Files.readString(outside.resolve("secret.txt")));
    }

    @Test
    void aBinaryFileIsDescribedNotShown() throws Exception {
        var png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
        Files.write(workspace.root().resolve("image.png"), png);
        var result = call("read_file", "{\"path\":\"image.png\"}");
        assertOk(result);
        var sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(png));
        assertEquals("[binary file, 8 bytes, sha256 " + sha256 + "]", result.content());

        Files.write(workspace.root().resolve("big.bin"), new byte[100]);
        assertEquals("[binary file, 100 bytes]", call("read_file", "{\"path\":\"big.bin\"}").content(),
                "larger than the read limit (16 bytes): not hashed");
    }

    @Test
    void bytesOfATextFileThatAreNotUtf8AreReplacedAndCounted() throws IOException {
        Files.write(workspace.root().resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, '!'});
        assertEquals("caf\uFFFD!\n[not all text: 1 NUL byte or invalid UTF-8 sequence shown as \uFFFD]",
                call("read_file", "{\"path\":\"latin1.txt\"}").content());
    }

    @Test
    void aCharacterCutByTheReadLimitIsDroppedNotReplaced() throws IOException {
        // 15 ASCII bytes and a 3-byte euro sign: the limit of 16 bytes cuts the sign
        Files.writeString(workspace.root().resolve("euro.txt"), "012345678901234\u20ac");
        assertEquals("012345678901234\n[truncated at 16 bytes]", call("read_file", "{\"path\":\"euro.txt\"}").content());
    }

    @Test
    void nulBytesAndInvalidUtf8InShellOutputAreReplacedAndCounted() {
        var result = call("run_shell", "{\"command\":\"printf 'a\\\\0b\\\\377c'\"}");
        assertOk(result);
        assertEquals("a\uFFFDb\uFFFDc\n[not all text: 2 NUL bytes or invalid UTF-8 sequences shown as \uFFFD]",
                result.content());
    }

    @Test
    void writeThenReadRoundTrip() throws IOException {
        var written = call("write_file", "{\"path\":\"a.txt\",\"content\":\"hällo\\nwelt\"}");
        assertOk(written);
        assertEquals("wrote 11 bytes to a.txt", written.content());
        assertEquals("hällo\nwelt", Files.readString(workspace.root().resolve("a.txt")));

        var read = call("read_file", "{\"path\":\"a.txt\"}");
        assertOk(read);
        assertEquals("hällo\nwelt", read.content());
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        assertOk(call("write_file", "{\"path\":\"a.txt\",\"content\":\"a long first text\"}"));
        assertOk(call("write_file", "{\"path\":\"a.txt\",\"content\":\"short\"}"));
        assertEquals("short", Files.readString(workspace.root().resolve("a.txt")));
    }

    @Test
    void writeCreatesParentDirectories() throws IOException {
        var result = call("write_file", "{\"path\":\"x/y/z.txt\",\"content\":\"deep\"}");
        assertOk(result);
        assertEquals("wrote 4 bytes to x/y/z.txt", result.content());
        assertEquals("deep", Files.readString(workspace.root().resolve("x/y/z.txt")));
    }

    @Test
    void writeToTheRootItselfIsRefused() {
        assertError(call("write_file", "{\"path\":\".\",\"content\":\"x\"}"), "a file name is required");
    }

    @Test
    void listFilesShowsEntriesSortedWithDirectoriesMarked() throws IOException {
        assertEquals("(empty)", call("list_files", "{}").content());
        Files.writeString(workspace.root().resolve("b.txt"), "b");
        Files.createDirectories(workspace.root().resolve("a-dir/inner"));
        Files.writeString(workspace.root().resolve("a-dir/c.txt"), "c");

        var root = call("list_files", "{}");
        assertOk(root);
        assertEquals("a-dir/\nb.txt", root.content());
        assertEquals(root, call("list_files", "{\"path\":\".\"}"));
        assertEquals(root, call("list_files", "{\"path\":null}"));
        assertEquals(root, call("list_files", ""));

        var sub = call("list_files", "{\"path\":\"a-dir\"}");
        assertOk(sub);
        assertEquals("a-dir/c.txt\na-dir/inner/", sub.content());
    }

    @Test
    void listOfAFileOrMissingDirectoryIsAnError() throws IOException {
        Files.writeString(workspace.root().resolve("f.txt"), "f");
        assertError(call("list_files", "{\"path\":\"f.txt\"}"), "not a directory");
        assertError(call("list_files", "{\"path\":\"nope\"}"), "not a directory");
    }

    @Test
    void readOfAMissingFileIsAnErrorResult() {
        assertError(call("read_file", "{\"path\":\"missing.txt\"}"), "no such file: missing.txt");
    }

    @Test
    void readOfADirectoryIsAnErrorResult() throws IOException {
        Files.createDirectories(workspace.root().resolve("d"));
        assertError(call("read_file", "{\"path\":\"d\"}"), "no such file");
    }

    @Test
    void readIsTruncatedAtReadMaxBytesWithAMarker() throws IOException {
        Files.writeString(workspace.root().resolve("big.txt"), "0123456789abcdefXYZ");
        var result = call("read_file", "{\"path\":\"big.txt\"}");
        assertOk(result);
        assertEquals("0123456789abcdef\n[truncated at 16 bytes]", result.content());
    }

    @Test
    void readOfExactlyReadMaxBytesIsNotTruncated() throws IOException {
        Files.writeString(workspace.root().resolve("exact.txt"), "0123456789abcdef");
        assertEquals(ToolResult.ok("0123456789abcdef"), call("read_file", "{\"path\":\"exact.txt\"}"));
    }

    @Test
    void writeOverWriteMaxBytesIsRefusedAndWritesNothing() {
        var content = "x".repeat(33);
        var result = call("write_file", "{\"path\":\"big.txt\",\"content\":\"" + content + "\"}");
        assertError(result, "larger than 32 bytes");
        assertFalse(Files.exists(workspace.root().resolve("big.txt")));
        // the limit is on bytes, not characters: 17 two-byte characters are 34 bytes
        assertError(call("write_file", "{\"path\":\"u.txt\",\"content\":\"" + "ä".repeat(17) + "\"}"), "larger than 32 bytes");
        // exactly the limit is fine
        assertOk(call("write_file", "{\"path\":\"ok.txt\",\"content\":\"" + "x".repeat(32) + "\"}"));
    }

    @Test
    void invalidJsonArgumentsAreAnErrorResult() {
        for (var tool : List.of("list_files", "read_file", "write_file", "run_shell")) {
            assertError(call(tool, "{not json"), "not valid JSON");
            assertError(call(tool, "{\"path\":"), "not valid JSON");
        }
    }

    @Test
    void nonObjectArgumentsAreAnErrorResult() {
        for (var arguments : List.of("[1,2]", "\"a.txt\"", "42", "null", "true")) {
            assertError(call("read_file", arguments), "must be a JSON object");
        }
    }

    @Test
    void missingArgumentsAreAnErrorResult() {
        assertError(call("read_file", "{}"), "'path' is required");
        assertError(call("read_file", ""), "'path' is required");
        assertError(call("read_file", null), "'path' is required");
        assertError(call("write_file", "{\"path\":\"a.txt\"}"), "'content' is required");
        assertError(call("write_file", "{\"content\":\"x\"}"), "'path' is required");
        assertError(call("run_shell", "{}"), "'command' is required");
        assertFalse(Files.exists(workspace.root().resolve("a.txt")));
    }

    @Test
    void wrongTypedArgumentsAreAnErrorResult() {
        assertError(call("read_file", "{\"path\":5}"), "'path' is required");
        assertError(call("read_file", "{\"path\":null}"), "'path' is required");
        assertError(call("read_file", "{\"path\":[\"a\"]}"), "'path' is required");
        assertError(call("write_file", "{\"path\":\"a.txt\",\"content\":{\"x\":1}}"), "'content' is required");
        assertError(call("list_files", "{\"path\":true}"), "'path' is required");
        assertError(call("run_shell", "{\"command\":[\"ls\"]}"), "'command' is required");
    }

    @Test
    void unknownToolIsAnErrorResult() {
        assertError(call("delete_everything", "{}"), "unknown tool: delete_everything");
    }

    @Test
    void dotDotEscapeIsRefusedByEveryFileTool() throws IOException {
        assertError(call("read_file", "{\"path\":\"../outside/secret.txt\"}"), "leaves the workspace");
        assertError(call("list_files", "{\"path\":\"../outside\"}"), "leaves the workspace");
        assertError(call("list_files", "{\"path\":\"..\"}"), "leaves the workspace");
        assertError(call("write_file", "{\"path\":\"../outside/new.txt\",\"content\":\"x\"}"), "leaves the workspace");
        assertError(call("write_file", "{\"path\":\"a/../../outside/secret.txt\",\"content\":\"x\"}"), "leaves the workspace");
        assertNothingOutsideChanged();
    }

    @Test
    void absolutePathIsRefusedByEveryFileTool() throws IOException {
        var passwd = call("read_file", "{\"path\":\"/etc/passwd\"}");
        assertError(passwd, "absolute paths are not allowed");
        assertFalse(passwd.content().contains("root:"));
        assertError(call("list_files", "{\"path\":\"/etc\"}"), "absolute paths are not allowed");
        var target = outside.resolve("abs.txt").toString();
        assertError(call("write_file", "{\"path\":\"" + target + "\",\"content\":\"x\"}"), "absolute paths are not allowed");
        assertError(call("read_file", "{\"path\":\"" + outside.resolve("secret.txt") + "\"}"), "absolute paths are not allowed");
        assertNothingOutsideChanged();
    }

    @Test
    void symlinkedFileToOutsideIsNeverRead() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("leak.txt"), outside.resolve("secret.txt"));
        var result = call("read_file", "{\"path\":\"leak.txt\"}");
        assertError(result, "symbolic links are not followed");
        assertFalse(result.content().contains(SECRET));
    }

    @Test
    void symlinkedDirectoryToOutsideIsNeverReadOrListed() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("door"), outside);
        var read = call("read_file", "{\"path\":\"door/secret.txt\"}");
        assertError(read, "symbolic links are not followed");
        assertFalse(read.content().contains(SECRET));
        var list = call("list_files", "{\"path\":\"door\"}");
        assertTrue(list.error(), list::toString);
        assertFalse(list.content().contains("secret.txt"));
    }

    @Test
    void listingAWorkspaceWithALinkDoesNotFollowIt() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("door"), outside);
        var list = call("list_files", "{}");
        assertOk(list);
        assertEquals("door", list.content(), "a link is shown as an entry, not as a directory to descend into");
    }

    @Test
    void writeThroughASymlinkedDirectoryIsRefusedAndNothingIsWrittenOutside() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("door"), outside);
        assertError(call("write_file", "{\"path\":\"door/new.txt\",\"content\":\"pwned\"}"), "symbolic links are not followed");
        assertError(call("write_file", "{\"path\":\"door/secret.txt\",\"content\":\"pwned\"}"), "symbolic links are not followed");
        assertError(call("write_file", "{\"path\":\"door/sub/new.txt\",\"content\":\"pwned\"}"), "symbolic links are not followed");
        assertNothingOutsideChanged();
    }

    @Test
    void writeOntoASymlinkedFileIsRefusedAndTheTargetIsUntouched() throws IOException {
        Files.createSymbolicLink(workspace.root().resolve("leak.txt"), outside.resolve("secret.txt"));
        assertError(call("write_file", "{\"path\":\"leak.txt\",\"content\":\"pwned\"}"), "symbolic links are not followed");
        assertNothingOutsideChanged();
        assertTrue(Files.isSymbolicLink(workspace.root().resolve("leak.txt")));
    }

    @Test
    void danglingSymlinkToAFutureOutsideFileIsNotWrittenThrough() throws IOException {
        // a link to a file that does not exist yet: following it would create the file outside
        Files.createSymbolicLink(workspace.root().resolve("future.txt"), outside.resolve("created.txt"));
        assertError(call("write_file", "{\"path\":\"future.txt\",\"content\":\"pwned\"}"), "symbolic links are not followed");
        assertNothingOutsideChanged();
    }
}
