package dev.rafiki.job.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.workspace.control.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job tools' contract with the model: what they accept, what they refuse (as a tool error the
 * model reads, never an exception), and what reaches the artifact store and the progress record.
 */
class JobToolsTest {

    record Saved(String toolCallId, String name, String contentType, byte[] content) {
    }

    record Reported(int percent, String message) {
    }

    final List<Saved> saved = new ArrayList<>();
    final List<Reported> reported = new ArrayList<>();
    final List<String> workspaceCalls = new ArrayList<>();
    boolean running = true;

    final ArtifactStore.Run run = new ArtifactStore.Run(UUID.randomUUID(), UUID.randomUUID(), "alice", "node-1", 1);

    final ArtifactStore store = new ArtifactStore() {
        @Override
        public Optional<Meta> save(Run r, String toolCallId, String name, String contentType, byte[] content) {
            if (!running) {
                return Optional.empty();
            }
            saved.add(new Saved(toolCallId, name, contentType, content));
            return Optional.of(new Meta(name, contentType, content.length, "ab12", toolCallId, 7L, Instant.now()));
        }
    };

    final JobProgress progress = new JobProgress() {
        @Override
        public boolean report(ArtifactStore.Run r, int percent, String message) {
            reported.add(new Reported(percent, message));
            return running;
        }
    };

    @TempDir
    Path root;

    JobTools tools(long maxArtifactBytes) throws Exception {
        var workspace = new Workspace(root);
        return new JobTools((name, arguments, cancelled) -> {
            workspaceCalls.add(name);
            return ToolResult.ok("workspace did " + name);
        }, () -> workspace, store, progress, run, maxArtifactBytes);
    }

    ToolResult call(JobTools tools, String name, String arguments) {
        return tools.call(new ToolCall("call-1", name, arguments), () -> false);
    }

    @Test
    void savingTextKeepsItsBytesAndGuessesItsTypeFromTheName() throws Exception {
        var tools = tools(1024);
        var result = call(tools, "save_artifact", "{\"name\":\"report.csv\",\"content\":\"a,b\\n1,ü\"}");

        assertFalse(result.error(), result.content());
        assertEquals(1, saved.size());
        assertEquals("call-1", saved.get(0).toolCallId());
        assertEquals("report.csv", saved.get(0).name());
        assertEquals("text/csv", saved.get(0).contentType());
        assertArrayEquals("a,b\n1,ü".getBytes(StandardCharsets.UTF_8), saved.get(0).content());
        assertTrue(result.content().contains("8 bytes"), result.content());
    }

    @Test
    void savingAWorkspaceFileReadsItThroughTheWorkspaceRules() throws Exception {
        Files.createDirectories(root.resolve("out"));
        Files.write(root.resolve("out/data.bin"), new byte[] {0, 1, 2, (byte) 0xff});
        var tools = tools(4);

        assertFalse(call(tools, "save_artifact", "{\"name\":\"data.bin\",\"path\":\"out/data.bin\"}").error());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, saved.get(0).content());
        assertEquals("application/octet-stream", saved.get(0).contentType());

        Files.write(root.resolve("out/big.bin"), new byte[5]);
        var tooBig = call(tools, "save_artifact", "{\"name\":\"big.bin\",\"path\":\"out/big.bin\"}");
        assertTrue(tooBig.error() && tooBig.content().contains("at most 4 bytes"), tooBig.content());
        var outside = call(tools, "save_artifact", "{\"name\":\"passwd\",\"path\":\"../../etc/passwd\"}");
        assertTrue(outside.error() && outside.content().contains("leaves the workspace"), outside.content());
        var missing = call(tools, "save_artifact", "{\"name\":\"none\",\"path\":\"out/none\"}");
        assertTrue(missing.error() && missing.content().contains("no such file"), missing.content());
        assertEquals(1, saved.size(), "nothing refused reached the store");
    }

    @Test
    void whatTheStoreCouldNotServeAsAFileIsRefusedBeforeItIsStored() throws Exception {
        var tools = tools(1024);
        for (var arguments : List.of(
                "{\"name\":\"../x\",\"content\":\"a\"}",
                "{\"name\":\".hidden\",\"content\":\"a\"}",
                "{\"name\":\"a b\",\"content\":\"a\"}",
                "{\"name\":\"" + "n".repeat(201) + "\",\"content\":\"a\"}",
                "{\"name\":\"both\",\"content\":\"a\",\"path\":\"b\"}",
                "{\"name\":\"neither\"}",
                "{\"name\":\"typed\",\"content\":\"a\",\"content_type\":\"text/html\\r\\nX-Evil: 1\"}",
                "[\"not an object\"]",
                "{not json")) {
            var result = call(tools, "save_artifact", arguments);
            assertTrue(result.error(), arguments + " → " + result.content());
        }
        assertEquals(List.of(), saved);
    }

    @Test
    void progressIsAnIntegerPercentWithABoundedMessage() throws Exception {
        var tools = tools(1024);
        assertFalse(call(tools, "report_progress", "{\"percent\":40,\"message\":\"" + "m".repeat(1500) + "\"}").error());
        assertEquals(40, reported.get(0).percent());
        assertEquals(1000, reported.get(0).message().length(), "a long message is cut, not refused");
        for (var percent : List.of("101", "-1", "12.5", "\"50\"", "null")) {
            assertTrue(call(tools, "report_progress", "{\"percent\":" + percent + "}").error(), percent);
        }
        assertEquals(1, reported.size());
    }

    @Test
    void aJobThatNoLongerRunsIsToldSoAndOtherToolsGoToTheWorkspace() throws Exception {
        var tools = tools(1024);
        running = false;
        var save = call(tools, "save_artifact", "{\"name\":\"late.txt\",\"content\":\"a\"}");
        assertTrue(save.error() && save.content().contains("no longer running"), save.content());
        assertTrue(call(tools, "report_progress", "{\"percent\":100}").error());

        assertEquals("workspace did read_file", call(tools, "read_file", "{\"path\":\"a\"}").content());
        assertEquals(List.of("read_file"), workspaceCalls);
    }
}
