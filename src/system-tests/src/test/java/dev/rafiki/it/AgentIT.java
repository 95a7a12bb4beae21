package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rafiki.client.Event;
import dev.rafiki.client.Message;
import dev.rafiki.client.NewSession;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent runtime through {@code POST /query}: tools in the session's workspace with the echo
 * model, and the OpenAI-compatible and Anthropic providers against wire-accurate fake services.
 * Through the Java client.
 */
class AgentIT {

    static RafikiServer server;
    static FakeModelProviders models;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        models = SharedServer.models();
        rafiki = server.client("agent-user");
    }

    @AfterAll
    static void stop() {
        rafiki.close();
    }

    static Boolean shell;

    /** Whether the server runs shell commands: without a working sandbox it refuses them (.ci/run installs bubblewrap). */
    static synchronized boolean serverHasAShell() {
        if (shell == null) {
            shell = !query(null, "/tool run_shell {\"command\":\"true\"}").answer().contains("not available");
        }
        return shell;
    }

    /** The prompt once it ended, in a new session when {@code sessionId} is null. */
    static Prompt query(UUID sessionId, String prompt) {
        return rafiki.query(QueryRequest.of(prompt).inSession(sessionId));
    }

    static Prompt queryWithModel(UUID sessionId, String model, String prompt) {
        return rafiki.query(QueryRequest.of(prompt).inSession(sessionId).withModel(model));
    }

    static UUID createSession() {
        return rafiki.sessions().create().id();
    }

    /** The first {@code limit} stored events of the session. */
    static List<Event> events(UUID sessionId, int limit) {
        return rafiki.sessions().events(sessionId, 0, limit).items();
    }

    @Test
    void theEchoModelUsesFileAndShellToolsInTheSessionsWorkspace() throws Exception {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell");
        var write = query(null, "/tool write_file {\"path\":\"notes/todo.txt\",\"content\":\"buy milk\"}");
        var sessionId = write.sessionId();
        assertEquals("echo: write_file returned: wrote 8 bytes to notes/todo.txt", write.answer());
        var workspaceFile = workspace(sessionId).resolve("notes/todo.txt");
        assertEquals("buy milk", Files.readString(workspaceFile));

        assertEquals("echo: read_file returned: buy milk",
                query(sessionId, "/tool read_file {\"path\":\"notes/todo.txt\"}").answer());
        var shell = query(sessionId, "/tool run_shell {\"command\":\"cat notes/todo.txt | tr a-z A-Z\"}");
        assertEquals("echo: run_shell returned: BUY MILK", shell.answer());
        assertEquals(1, shell.usage().toolCalls());

        var messages = rafiki.sessions().messages(sessionId);
        assertEquals(12, messages.size(), "per prompt: user, assistant with the call, tool result, answer");
        var call = messages.get(1);
        assertEquals("assistant", call.role());
        assertEquals("write_file", call.toolCalls().getJsonObject(0).getString("name"));
        var result = messages.get(2);
        assertEquals("tool", result.role());
        assertEquals(call.toolCalls().getJsonObject(0).getString("id"), result.toolCallId());
        assertEquals(Boolean.FALSE, result.error());

        var state = rafiki.sessions().get(sessionId);
        assertEquals(3, state.usage().toolCalls());
        var usage = rafiki.usage();
        assertTrue(usage.prompts() >= 3);
        assertTrue(usage.usage().toolCalls() >= 3);
    }

    @Test
    void fileToolsCannotReachOutsideTheWorkspace() {
        var sessionId = createSession();
        var escapes = List.of(
                "/tool read_file {\"path\":\"../../dev-token\"}",
                "/tool read_file {\"path\":\"" + server.dataDir().resolve("dev-token") + "\"}",
                "/tool write_file {\"path\":\"../../escaped.txt\",\"content\":\"x\"}",
                "/tool list_files {\"path\":\"../..\"}");
        for (var attempt : escapes) {
            var answer = query(sessionId, attempt).answer();
            assertFalse(answer.contains(server.devToken().substring(0, 40)), attempt + " leaked the token: " + answer);
            assertTrue(answer.contains("failed"), attempt + " was not refused: " + answer);
        }
        assertFalse(Files.exists(server.dataDir().resolve("escaped.txt")));
    }

    @Test
    void theShellSandboxKeepsCommandsInsideTheWorkspace() {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell (.ci/run installs bubblewrap)");
        var sessionId = createSession();
        var token = server.devToken();
        var escapes = List.of(
                "/tool run_shell {\"command\":\"cat ../../dev-token; cat " + server.dataDir().resolve("dev-token") + "\"}",
                "/tool run_shell {\"command\":\"ln -s " + server.dataDir().resolve("dev-token") + " link; cat link\"}",
                "/tool read_file {\"path\":\"link\"}",
                "/tool run_shell {\"command\":\"cat /etc/passwd; ls /work /root\"}");
        for (var attempt : escapes) {
            var answer = query(sessionId, attempt).answer();
            assertFalse(answer.contains(token.substring(0, 40)), attempt + " leaked the token: " + answer);
            assertFalse(answer.contains("root:x:0:0"), attempt + " read the host's /etc/passwd: " + answer);
        }
        var network = query(sessionId, "/tool run_shell {\"command\":\"cat /proc/net/dev\"}").answer();
        assertFalse(network.contains("eth0"), "no network interfaces but loopback: " + network);
    }

    @Test
    void stopKillsARunningShellCommandQuickly() {
        assumeTrue(serverHasAShell(), "no working sandbox here: the server offers no shell");
        var sessionId = createSession();
        var promptId = rafiki.start(QueryRequest.of("/tool run_shell {\"command\":\"sleep 60\",\"timeout_seconds\":120}")
                .inSession(sessionId)).id();
        Await.until("the shell command to run", Duration.ofSeconds(20), () -> rafiki.sessions().prompt(sessionId, promptId),
                p -> "running".equals(p.status()));
        RafikiServer.sleep(500);
        long stopAt = System.nanoTime();
        rafiki.sessions().stop(sessionId, false);
        Await.until("the session to be free", Duration.ofSeconds(5), () -> rafiki.sessions().get(sessionId),
                s -> !"running".equals(s.status()));
        var next = query(sessionId, "after the stop");
        long millis = (System.nanoTime() - stopAt) / 1_000_000;
        assertEquals("echo: after the stop", next.answer());
        assertTrue(millis < 5_000, "the next prompt ran " + millis + " ms after the stop");
        assertEquals("cancelled", rafiki.sessions().prompt(sessionId, promptId).status());
    }

    @Test
    void anOpenAiCompatibleModelCallsAToolAndAnswers() throws Exception {
        int before = models.openAiRequests.size();
        var answer = queryWithModel(null, "openai/gpt-4o-mini", "please write a file");
        var sessionId = answer.sessionId();

        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("done: wrote 17 bytes to from-openai.txt", answer.answer());
        assertEquals("written by openai", Files.readString(workspace(sessionId).resolve("from-openai.txt")));
        assertEquals(22, answer.usage().inputTokens(), "two model calls of 11 tokens");
        assertEquals(1, answer.usage().toolCalls());

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
        assertEquals("openai says: and now?", followUp.answer());
        var history = models.openAiRequests.get(models.openAiRequests.size() - 1).getJsonArray("messages");
        assertEquals(5, history.size(), "user, assistant+call, tool, assistant, user: " + history);
    }

    @Test
    void anAnthropicModelCallsAToolAndAnswers() throws Exception {
        var sessionId = rafiki.sessions().create(NewSession.empty().withModel("anthropic/claude-sonnet-4-5")).id();
        int before = models.anthropicRequests.size();
        var answer = query(sessionId, "please write a file");

        assertEquals("done: wrote 17 bytes to from-anthropic.txt", answer.answer());
        assertEquals("written by claude", Files.readString(workspace(sessionId).resolve("from-anthropic.txt")));
        assertEquals(18, answer.usage().outputTokens(), "two turns of 9 output tokens");
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

    static Path workspace(UUID sessionId) {
        return server.dataDir().resolve("workspaces").resolve(sessionId.toString());
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
        var sessionId = answer.sessionId();

        assertEquals("completed", answer.status(), answer.toString());
        assertEquals(1, answer.attempts(), answer.toString());
        assertEquals("all read", answer.answer());
        assertEquals("ran\n", Files.readString(workspace(sessionId).resolve("runs.txt")), "the command ran once");

        var results = rafiki.sessions().messages(sessionId).stream().filter(m -> "tool".equals(m.role())).toList();
        assertEquals(3, results.size(), results.toString());
        assertEquals("a\uFFFDb\uFFFDc\n[not all text: 2 NUL bytes or invalid UTF-8 sequences shown as \uFFFD]",
                results.get(0).content());
        var image = Files.readAllBytes(workspace(sessionId).resolve("image.png"));
        assertEquals(8, image.length);
        assertEquals("[binary file, 8 bytes, sha256 " + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(image)) + "]", results.get(2).content());
        var events = events(sessionId, 200);
        assertTrue(events.stream().anyMatch(e -> Event.TOOL_CALL_FINISHED.equals(e.type())
                && e.data().getString("result", "").contains("[binary file, 8 bytes")), events.toString());
    }

    @Test
    void aModelAnswerWithNulAndLoneSurrogatesIsStoredAndReadable() {
        // the escapes travel as text in the prompt; the fake model decodes them and sends them as a real model's JSON would
        var answer = queryWithModel(null, "openai/gpt-4o-mini",
                "script:{\"answer\":\"nul \\u0000 here, lone \\ud800 there, a pair \\ud83d\\ude00 split in two chunks\"}");
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals(1, answer.attempts());
        var expected = "nul \uFFFD here, lone \uFFFD there, a pair \uD83D\uDE00 split in two chunks";
        assertEquals(expected, answer.answer());
        List<Message> messages = rafiki.sessions().messages(answer.sessionId());
        assertEquals(expected, messages.get(messages.size() - 1).content());
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
        assertEquals("failed", lane.status(), lane.toString());
        assertEquals("record-failed", lane.error().code(), lane.toString());
        assertEquals(1, lane.attempts());
        assertEquals(1, lane.usage().toolCalls(), "what it cost is kept");
        assertRanOnce(lane.sessionId());

        // queued behind a running prompt, it takes the durable queue
        var sessionId = createSession();
        // both accepted, neither answered yet (respond-async)
        var slow = rafiki.start(QueryRequest.of("/slow 200 keeping the session busy").inSession(sessionId));
        assertFalse(slow.terminal(), slow.toString());
        var queued = rafiki.start(QueryRequest.of("script:" + script).inSession(sessionId).withModel("openai/gpt-4o-mini"));
        assertFalse(queued.terminal(), queued.toString());
        var promptId = queued.id();
        var durable = Await.until("the queued prompt to end", Duration.ofSeconds(60),
                () -> rafiki.sessions().prompt(sessionId, promptId), Prompt::terminal);
        assertEquals("failed", durable.status(), durable.toString());
        assertEquals("record-failed", durable.error().code(), durable.toString());
        assertEquals(1, durable.attempts(), durable.toString());
        assertRanOnce(sessionId);
        var events = events(sessionId, 200);
        assertTrue(events.stream().anyMatch(e -> Event.PROMPT_FAILED.equals(e.type())
                && e.data().toString().contains("record-failed")), events.toString());

        // and the session goes on
        assertEquals("echo: next", query(sessionId, "next").answer());
    }

    static void assertRanOnce(UUID sessionId) {
        try {
            assertEquals("ran\n", Files.readString(workspace(sessionId).resolve("runs.txt")), "the tool ran exactly once");
        } catch (java.io.IOException e) {
            throw new AssertionError("the tool never ran in " + sessionId, e);
        }
    }

    @Test
    void providerErrorsEndThePromptWithAClearCode() {
        var unauthorized = queryWithModel(null, "openai/gpt-4o-mini", "fail 401");
        assertEquals("failed", unauthorized.status());
        assertEquals("model-unauthorized", unauthorized.error().code());

        var limited = queryWithModel(null, "openai/gpt-4o-mini", "fail 429");
        assertEquals("failed", limited.status());
        assertEquals("model-rate-limited", limited.error().code(),
                "a Retry-After longer than the configured pause is not waited for");

        var claude = queryWithModel(null, "anthropic/claude-sonnet-4-5", "fail 401");
        assertEquals("model-unauthorized", claude.error().code());
    }

    @Test
    void unknownModelsAreRefusedUpFront() {
        var session = assertThrows(RafikiException.class,
                () -> rafiki.sessions().create(NewSession.empty().withModel("nosuch/model")));
        assertEquals(400, session.status(), session.getMessage());
        assertTrue(session.detail().contains("unknown model"), session.getMessage());
        var query = assertThrows(RafikiException.class, () -> queryWithModel(null, "gpt-without-provider", "hi"));
        assertEquals(400, query.status(), query.getMessage());
    }
}
