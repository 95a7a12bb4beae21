package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shell fails closed: a server of its own with the default sandbox setting ({@code auto})
 * on a machine where bubblewrap cannot be found (its path points at nothing) offers no shell to
 * models, runs no shell command, and says so at start. Through the Java client.
 */
class NoSandboxIT {

    static FakeModelProviders models;
    static RafikiServer server;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() throws Exception {
        models = new FakeModelProviders();
        server = RafikiServer.start("no-sandbox", RafikiServer.env(
                "RAFIKI_TOOL_SHELL_BWRAP_PATH", "/nonexistent/bin/bwrap",
                "RAFIKI_PROVIDER_OPENAI_BASE_URL", models.openAiBaseUrl(),
                "RAFIKI_PROVIDER_OPENAI_API_KEY", FakeModelProviders.OPENAI_KEY));
        rafiki = server.client("no-sandbox-user");
    }

    @AfterAll
    static void stop() {
        if (rafiki != null) {
            rafiki.close();
        }
        server.stop();
        models.close();
    }

    @Test
    void aShellCommandIsRefusedWithTheReasonAndNothingRuns() throws Exception {
        var answer = rafiki.query("/tool run_shell {\"command\":\"echo ran > made.txt; cat ../../dev-token\"}");
        var sessionId = answer.sessionId();
        assertEquals("completed", answer.status(), answer.toString());
        var text = answer.answer();
        assertTrue(text.contains("run_shell is not available on this server"), text);
        assertTrue(text.contains("/nonexistent/bin/bwrap"), text);
        assertTrue(text.contains("nothing was run"), text);
        assertFalse(text.contains(server.devToken().substring(0, 40)), text);
        assertFalse(Files.exists(server.dataDir().resolve("workspaces").resolve(sessionId.toString()).resolve("made.txt")),
                "the command ran");

        var result = rafiki.sessions().messages(sessionId).stream().filter(m -> "tool".equals(m.role())).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, result.error(), result.toString());

        // the other tools still work
        assertEquals("echo: write_file returned: wrote 2 bytes to a.txt",
                rafiki.query(QueryRequest.of("/tool write_file {\"path\":\"a.txt\",\"content\":\"hi\"}").inSession(sessionId))
                        .answer());
    }

    @Test
    void aModelIsNotOfferedTheShell() {
        int before = models.openAiRequests.size();
        var answer = rafiki.query(QueryRequest.of("hello").withModel("openai/gpt-4o-mini"));
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("openai says: hello", answer.answer());
        var offered = models.openAiRequests.get(before).getJsonArray("tools").stream()
                .map(t -> t.asJsonObject().getJsonObject("function").getString("name")).toList();
        assertEquals(java.util.List.of("list_files", "read_file", "write_file"), offered);
    }

    @Test
    void theStartSaysLoudlyThatTheShellIsOff() throws Exception {
        var log = Files.readString(server.log());
        assertTrue(log.contains("shell tool DISABLED: no sandbox: bubblewrap was not found at /nonexistent/bin/bwrap"),
                server.tail());
    }
}
