package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.Checks;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent runtime through {@code POST /query}: tools in the session's workspace with the echo
 * model, and the OpenAI-compatible and Anthropic providers against wire-accurate fake services.
 */
class AgentIT {

    static RafikiServer server;
    static FakeModelProviders models;
    static Api api;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        models = SharedServer.models();
        api = server.api("agent-user");
    }

    static Boolean shell;

    /** Whether the server runs shell commands: without a working sandbox it refuses them (.ci/run installs bubblewrap). */
    static synchronized boolean serverHasAShell() {
        if (shell == null) {
            shell = !query(null, "/tool run_shell {\"command\":\"true\"}").getString("answer").contains("not available");
        }
        return shell;
    }

    static JsonObject query(String sessionId, String prompt) {
        return api.query(sessionId, prompt);
    }

    static JsonObject queryWithModel(String sessionId, String model, String prompt) {
        var body = Json.createObjectBuilder().add("prompt", prompt).add("model", model);
        if (sessionId != null) {
            body.add("session_id", sessionId);
        }
        var response = api.post("/query", body.build().toString());
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    @Test
    void theEchoModelUsesFileAndShellToolsInTheSessionsWorkspace() throws Exception {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell");
        var write = query(null, "/tool write_file {\"path\":\"notes/todo.txt\",\"content\":\"buy milk\"}");
        var sessionId = write.getString("session_id");
        assertEquals("echo: write_file returned: wrote 8 bytes to notes/todo.txt", write.getString("answer"));
        var workspaceFile = server.dataDir().resolve("workspaces").resolve(sessionId).resolve("notes/todo.txt");
        assertEquals("buy milk", Files.readString(workspaceFile));

        assertEquals("echo: read_file returned: buy milk",
                query(sessionId, "/tool read_file {\"path\":\"notes/todo.txt\"}").getString("answer"));
        var shell = query(sessionId, "/tool run_shell {\"command\":\"cat notes/todo.txt | tr a-z A-Z\"}");
        assertEquals("echo: run_shell returned: BUY MILK", shell.getString("answer"));
        assertEquals(1, shell.getJsonObject("usage").getInt("tool_calls"));

        var messages = api.messages(sessionId);
        assertEquals(12, messages.size(), "per prompt: user, assistant with the call, tool result, answer");
        var call = messages.get(1);
        assertEquals("assistant", call.getString("role"));
        assertEquals("write_file", call.getJsonArray("tool_calls").getJsonObject(0).getString("name"));
        var result = messages.get(2);
        assertEquals("tool", result.getString("role"));
        assertEquals(call.getJsonArray("tool_calls").getJsonObject(0).getString("id"), result.getString("tool_call_id"));
        assertFalse(result.getBoolean("error"));

        var state = api.get("/session/" + sessionId).json();
        assertEquals(3, state.getJsonObject("usage").getInt("tool_calls"));
        var usage = api.get("/usage").json();
        assertTrue(usage.getInt("prompts") >= 3);
        assertTrue(usage.getJsonObject("usage").getInt("tool_calls") >= 3);
    }

    @Test
    void fileToolsCannotReachOutsideTheWorkspace() {
        var sessionId = api.createSession();
        var escapes = List.of(
                "/tool read_file {\"path\":\"../../dev-token\"}",
                "/tool read_file {\"path\":\"" + server.dataDir().resolve("dev-token") + "\"}",
                "/tool write_file {\"path\":\"../../escaped.txt\",\"content\":\"x\"}",
                "/tool list_files {\"path\":\"../..\"}");
        for (var attempt : escapes) {
            var answer = query(sessionId, attempt).getString("answer");
            assertFalse(answer.contains(server.devToken().substring(0, 40)), attempt + " leaked the token: " + answer);
            assertTrue(answer.contains("failed"), attempt + " was not refused: " + answer);
        }
        assertFalse(Files.exists(server.dataDir().resolve("escaped.txt")));
    }

    @Test
    void theShellSandboxKeepsCommandsInsideTheWorkspace() {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell (.ci/run installs bubblewrap)");
        var sessionId = api.createSession();
        var token = server.devToken();
        var escapes = List.of(
                "/tool run_shell {\"command\":\"cat ../../dev-token; cat " + server.dataDir().resolve("dev-token") + "\"}",
                "/tool run_shell {\"command\":\"ln -s " + server.dataDir().resolve("dev-token") + " link; cat link\"}",
                "/tool read_file {\"path\":\"link\"}",
                "/tool run_shell {\"command\":\"cat /etc/passwd; ls /work /root\"}");
        for (var attempt : escapes) {
            var answer = query(sessionId, attempt).getString("answer");
            assertFalse(answer.contains(token.substring(0, 40)), attempt + " leaked the token: " + answer);
            assertFalse(answer.contains("root:x:0:0"), attempt + " read the host's /etc/passwd: " + answer);
        }
        var network = query(sessionId, "/tool run_shell {\"command\":\"cat /proc/net/dev\"}").getString("answer");
        assertFalse(network.contains("eth0"), "no network interfaces but loopback: " + network);
    }

    @Test
    void stopKillsARunningShellCommandQuickly() {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell");
        var sessionId = api.createSession();
        var accepted = api.post("/query", Json.createObjectBuilder().add("session_id", sessionId)
                .add("prompt", "/tool run_shell {\"command\":\"sleep 60\",\"timeout_seconds\":120}").build().toString(),
                "Prefer", "respond-async").json();
        var promptId = accepted.getString("id");
        Await.until("the shell command to run", Duration.ofSeconds(20), () -> Checks.prompt(api, sessionId, promptId),
                p -> "running".equals(p.getString("status")));
        RafikiServer.sleep(500);
        long stopAt = System.nanoTime();
        api.post("/session/" + sessionId + "/stop", "");
        Await.until("the session to be free", Duration.ofSeconds(5), () -> api.get("/session/" + sessionId).json(),
                s -> !"running".equals(s.getString("status")));
        var next = query(sessionId, "after the stop");
        long millis = (System.nanoTime() - stopAt) / 1_000_000;
        assertEquals("echo: after the stop", next.getString("answer"));
        assertTrue(millis < 5_000, "the next prompt ran " + millis + " ms after the stop");
        assertEquals("cancelled", Checks.prompt(api, sessionId, promptId).getString("status"));
    }

    @Test
    void anOpenAiCompatibleModelCallsAToolAndAnswers() throws Exception {
        int before = models.openAiRequests.size();
        var answer = queryWithModel(null, "openai/gpt-4o-mini", "please write a file");
        var sessionId = answer.getString("session_id");

        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("done: wrote 17 bytes to from-openai.txt", answer.getString("answer"));
        assertEquals("written by openai",
                Files.readString(server.dataDir().resolve("workspaces").resolve(sessionId).resolve("from-openai.txt")));
        assertEquals(22, answer.getJsonObject("usage").getInt("input_tokens"), "two model calls of 11 tokens");
        assertEquals(1, answer.getJsonObject("usage").getInt("tool_calls"));

        var requests = models.openAiRequests.subList(before, models.openAiRequests.size());
        assertEquals(2, requests.size());
        assertEquals("gpt-4o-mini", requests.get(0).getString("model"));
        assertTrue(requests.get(0).getBoolean("stream"));
        var tools = requests.get(0).getJsonArray("tools");
        assertTrue(tools.stream().anyMatch(t -> "run_shell".equals(t.asJsonObject().getJsonObject("function").getString("name"))));
        var fedBack = requests.get(1).getJsonArray("messages");
        var toolMessage = fedBack.getJsonObject(fedBack.size() - 1);
        assertEquals("tool", toolMessage.getString("role"));
        assertEquals("call_abc", toolMessage.getString("tool_call_id"));

        var followUp = queryWithModel(sessionId, "openai/gpt-4o-mini", "and now?");
        assertEquals("openai says: and now?", followUp.getString("answer"));
        var history = models.openAiRequests.get(models.openAiRequests.size() - 1).getJsonArray("messages");
        assertEquals(5, history.size(), "user, assistant+call, tool, assistant, user: " + history);
    }

    @Test
    void anAnthropicModelCallsAToolAndAnswers() throws Exception {
        var session = api.post("/session", "{\"model\":\"anthropic/claude-sonnet-4-5\"}").json();
        var sessionId = session.getString("id");
        int before = models.anthropicRequests.size();
        var answer = query(sessionId, "please write a file");

        assertEquals("done: wrote 17 bytes to from-anthropic.txt", answer.getString("answer"));
        assertEquals("written by claude",
                Files.readString(server.dataDir().resolve("workspaces").resolve(sessionId).resolve("from-anthropic.txt")));
        assertEquals(18, answer.getJsonObject("usage").getInt("output_tokens"), "two turns of 9 output tokens");
        var requests = models.anthropicRequests.subList(before, models.anthropicRequests.size());
        assertEquals(2, requests.size());
        assertEquals("claude-sonnet-4-5", requests.get(0).getString("model"));
        var last = requests.get(1).getJsonArray("messages");
        var results = last.getJsonObject(last.size() - 1);
        assertEquals("user", results.getString("role"));
        assertEquals("tool_result", results.getJsonArray("content").getJsonObject(0).getString("type"));
        assertEquals("toolu_01", results.getJsonArray("content").getJsonObject(0).getString("tool_use_id"));
    }

    static jakarta.json.JsonObjectBuilder call(String name, jakarta.json.JsonObjectBuilder arguments) {
        return Json.createObjectBuilder().add("name", name).add("arguments", arguments);
    }

    static Path workspace(String sessionId) {
        return server.dataDir().resolve("workspaces").resolve(sessionId);
    }

    @Test
    void toolOutputThatIsNotTextIsStoredOnTheFirstAttemptAndEveryToolRunsOnce() throws Exception {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell");
        var script = Json.createObjectBuilder().add("tools", Json.createArrayBuilder()
                        .add(call("run_shell", Json.createObjectBuilder().add("command", "echo ran >> runs.txt; printf 'a\\0b\\377c'")))
                        .add(call("run_shell", Json.createObjectBuilder().add("command", "printf '\\211PNG\\0\\1\\2\\377' > image.png")))
                        .add(call("read_file", Json.createObjectBuilder().add("path", "image.png"))))
                .add("answer", "all read").build();
        var answer = queryWithModel(null, "openai/gpt-4o-mini", "script:" + script);
        var sessionId = answer.getString("session_id");

        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals(1, answer.getInt("attempts"), answer.toString());
        assertEquals("all read", answer.getString("answer"));
        assertEquals("ran\n", Files.readString(workspace(sessionId).resolve("runs.txt")), "the command ran once");

        var results = api.messages(sessionId).stream().filter(m -> "tool".equals(m.getString("role"))).toList();
        assertEquals(3, results.size(), results.toString());
        assertEquals("a\uFFFDb\uFFFDc\n[not all text: 2 NUL bytes or invalid UTF-8 sequences shown as \uFFFD]",
                results.get(0).getString("content"));
        var image = Files.readAllBytes(workspace(sessionId).resolve("image.png"));
        assertEquals(8, image.length);
        assertEquals("[binary file, 8 bytes, sha256 " + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(image)) + "]", results.get(2).getString("content"));
        var events = api.get("/session/" + sessionId + "/events?after=0&limit=200");
        assertEquals(200, events.status(), events.body());
        assertTrue(events.body().contains("[binary file, 8 bytes"), events.body());
    }

    @Test
    void aModelAnswerWithNulAndLoneSurrogatesIsStoredAndReadable() {
        // the escapes travel as text in the prompt; the fake model decodes them and sends them as a real model's JSON would
        var answer = queryWithModel(null, "openai/gpt-4o-mini",
                "script:{\"answer\":\"nul \\u0000 here, lone \\ud800 there, a pair \\ud83d\\ude00 split in two chunks\"}");
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals(1, answer.getInt("attempts"));
        var expected = "nul \uFFFD here, lone \uFFFD there, a pair \uD83D\uDE00 split in two chunks";
        assertEquals(expected, answer.getString("answer"));
        var messages = api.messages(answer.getString("session_id"));
        assertEquals(expected, messages.get(messages.size() - 1).getString("content"));
    }

    @Test
    void aStepTheDatabaseRefusesFailsThePromptAtOnceAndItsToolNeverRunsAgain() {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell");
        // a tool call id longer than any the history can hold: recording the step fails, after the tool ran
        var script = Json.createObjectBuilder().add("tools", Json.createArrayBuilder()
                        .add(call("run_shell", Json.createObjectBuilder().add("command", "echo ran >> runs.txt"))
                                .add("id", "call_" + "x".repeat(300))))
                .add("answer", "never stored").build();

        // on an idle session the prompt runs in the fast lane
        var lane = queryWithModel(null, "openai/gpt-4o-mini", "script:" + script);
        assertEquals("failed", lane.getString("status"), lane.toString());
        assertEquals("record-failed", lane.getJsonObject("error").getString("code"), lane.toString());
        assertEquals(1, lane.getInt("attempts"));
        assertEquals(1, lane.getJsonObject("usage").getInt("tool_calls"), "what it cost is kept");
        assertRanOnce(lane.getString("session_id"));

        // queued behind a running prompt, it takes the durable queue
        var sessionId = api.createSession();
        var slow = api.post("/query", Json.createObjectBuilder().add("session_id", sessionId)
                .add("prompt", "/slow 200 keeping the session busy").build().toString(), "Prefer", "respond-async");
        assertEquals(202, slow.status(), slow.body());
        var queued = api.post("/query", Json.createObjectBuilder().add("session_id", sessionId)
                .add("model", "openai/gpt-4o-mini").add("prompt", "script:" + script).build().toString(),
                "Prefer", "respond-async");
        assertEquals(202, queued.status(), queued.body());
        var promptId = queued.json().getString("id");
        var durable = Await.until("the queued prompt to end", Duration.ofSeconds(60),
                () -> Checks.prompt(api, sessionId, promptId),
                p -> List.of("completed", "failed", "cancelled").contains(p.getString("status")));
        assertEquals("failed", durable.getString("status"), durable.toString());
        assertEquals("record-failed", durable.getJsonObject("error").getString("code"), durable.toString());
        assertEquals(1, durable.getInt("attempts"), durable.toString());
        assertRanOnce(sessionId);
        var events = api.get("/session/" + sessionId + "/events?after=0&limit=200").body();
        assertTrue(events.contains("\"type\":\"prompt.failed\"") && events.contains("record-failed"), events);

        // and the session goes on
        assertEquals("echo: next", query(sessionId, "next").getString("answer"));
    }

    static void assertRanOnce(String sessionId) {
        try {
            assertEquals("ran\n", Files.readString(workspace(sessionId).resolve("runs.txt")), "the tool ran exactly once");
        } catch (java.io.IOException e) {
            throw new AssertionError("the tool never ran in " + sessionId, e);
        }
    }

    @Test
    void providerErrorsEndThePromptWithAClearCode() {
        var unauthorized = queryWithModel(null, "openai/gpt-4o-mini", "fail 401");
        assertEquals("failed", unauthorized.getString("status"));
        assertEquals("model-unauthorized", unauthorized.getJsonObject("error").getString("code"));

        var limited = queryWithModel(null, "openai/gpt-4o-mini", "fail 429");
        assertEquals("failed", limited.getString("status"));
        assertEquals("model-rate-limited", limited.getJsonObject("error").getString("code"),
                "a Retry-After longer than the configured pause is not waited for");

        var claude = queryWithModel(null, "anthropic/claude-sonnet-4-5", "fail 401");
        assertEquals("model-unauthorized", claude.getJsonObject("error").getString("code"));
    }

    @Test
    void unknownModelsAreRefusedUpFront() {
        var session = api.post("/session", "{\"model\":\"nosuch/model\"}");
        assertEquals(400, session.status());
        assertTrue(session.json().getString("detail").contains("unknown model"));
        var query = api.post("/query", "{\"prompt\":\"hi\",\"model\":\"gpt-without-provider\"}");
        assertEquals(400, query.status());
    }
}
