package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shell fails closed: a server of its own with the default sandbox setting ({@code auto})
 * on a machine where bubblewrap cannot be found (its path points at nothing) offers no shell to
 * models, runs no shell command, and says so at start.
 */
class NoSandboxIT {

    static FakeModelProviders models;
    static RafikiServer server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        models = new FakeModelProviders();
        server = RafikiServer.start("no-sandbox", RafikiServer.env(
                "RAFIKI_TOOL_SHELL_BWRAP_PATH", "/nonexistent/bin/bwrap",
                "RAFIKI_PROVIDER_OPENAI_BASE_URL", models.openAiBaseUrl(),
                "RAFIKI_PROVIDER_OPENAI_API_KEY", FakeModelProviders.OPENAI_KEY));
        api = server.api("no-sandbox-user");
    }

    @AfterAll
    static void stop() {
        server.stop();
        models.close();
    }

    @Test
    void aShellCommandIsRefusedWithTheReasonAndNothingRuns() throws Exception {
        var answer = api.query(null, "/tool run_shell {\"command\":\"echo ran > made.txt; cat ../../dev-token\"}");
        var sessionId = answer.getString("session_id");
        assertEquals("completed", answer.getString("status"), answer.toString());
        var text = answer.getString("answer");
        assertTrue(text.contains("run_shell is not available on this server"), text);
        assertTrue(text.contains("/nonexistent/bin/bwrap"), text);
        assertTrue(text.contains("nothing was run"), text);
        assertFalse(text.contains(server.devToken().substring(0, 40)), text);
        assertFalse(Files.exists(server.dataDir().resolve("workspaces").resolve(sessionId).resolve("made.txt")),
                "the command ran");

        var result = api.messages(sessionId).stream().filter(m -> "tool".equals(m.getString("role"))).findFirst().orElseThrow();
        assertTrue(result.getBoolean("error"), result.toString());

        // the other tools still work
        assertEquals("echo: write_file returned: wrote 2 bytes to a.txt",
                api.query(sessionId, "/tool write_file {\"path\":\"a.txt\",\"content\":\"hi\"}").getString("answer"));
    }

    @Test
    void aModelIsNotOfferedTheShell() {
        int before = models.openAiRequests.size();
        var response = api.post("/query", Json.createObjectBuilder().add("prompt", "hello")
                .add("model", "openai/gpt-4o-mini").build().toString());
        assertEquals(200, response.status(), response.body());
        assertEquals("openai says: hello", response.json().getString("answer"));
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
