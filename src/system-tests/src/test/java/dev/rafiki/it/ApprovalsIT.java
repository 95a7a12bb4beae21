package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Human approval of tool calls through the real server: an agent profile says {@code write_file}
 * waits for a person; a scripted model (the wire-accurate fake OpenAI server) asks for it. Approve,
 * deny, edited arguments, deciding twice, someone else's prompt, the queue behind a waiting
 * prompt, stop, {@code /query_stream}, a job, a restart while waiting, and expiry. Rules on a
 * call's arguments and rules given by the request itself, with the echo model's {@code /tool}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApprovalsIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String MODEL = "openai/gpt-4o-mini";

    static FakeModelProviders models;
    static Map<String, String> env;
    static RafikiServer server;
    static Api alice;
    static Api bob;
    static String agent;

    @BeforeAll
    static void start() throws Exception {
        models = new FakeModelProviders();
        env = RafikiServer.env(
                "RAFIKI_PROVIDER_OPENAI_BASE_URL", models.openAiBaseUrl(),
                "RAFIKI_PROVIDER_OPENAI_API_KEY", FakeModelProviders.OPENAI_KEY,
                // long enough for every test but the expiry one, which restarts with a short one
                "RAFIKI_APPROVALS_TIMEOUT", "PT10M");
        server = RafikiServer.start("approvals", env);
        alice = server.api("approvals-alice");
        bob = server.api("approvals-bob");
        var created = alice.post("/agents", Json.createObjectBuilder().add("name", "careful").add("model", MODEL)
                .add("approval", Json.createObjectBuilder().add("write_file", "always").add("read_file", "never"))
                .build().toString());
        assertEquals(201, created.status(), created.body());
        agent = "careful";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (models != null) {
            models.close();
        }
    }

    /** A prompt whose model writes {@code path} (and reads it back after), marked so its model requests can be found. */
    static String script(String path, String content) {
        return "script:" + Json.createObjectBuilder()
                .add("marker", UUID.randomUUID().toString())
                .add("tools", Json.createArrayBuilder().add(Json.createObjectBuilder().add("name", "write_file")
                        .add("id", "call_w").add("arguments", Json.createObjectBuilder().add("path", path).add("content", content))))
                .build();
    }

    /** {@code POST /query} of a prompt that will wait: answered 202 at once, with where to look. */
    static JsonObject waiting(Api api, String sessionId, String prompt) {
        var body = Json.createObjectBuilder().add("prompt", prompt).add("agent", agent);
        if (sessionId != null) {
            body.add("session_id", sessionId);
        }
        var response = api.post("/query", body.build().toString());
        assertEquals(202, response.status(), response.body());
        var json = response.json();
        assertEquals("waiting_approval", json.getString("status"), json.toString());
        assertEquals("/session/" + json.getString("session_id") + "/prompts/" + json.getString("id"),
                json.getString("result_url"));
        return json;
    }

    static JsonObject prompt(Api api, JsonObject accepted) {
        var response = api.get("/session/" + accepted.getString("session_id") + "/prompts/" + accepted.getString("id"));
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static JsonObject ended(Api api, JsonObject accepted) {
        return Await.until("the prompt's end", WAIT, () -> prompt(api, accepted),
                p -> List.of("completed", "failed", "cancelled").contains(p.getString("status")));
    }

    static Api.Response decide(Api api, JsonObject accepted, String toolCallId, String decision, JsonObject extra) {
        var body = Json.createObjectBuilder().add("tool_call_id", toolCallId).add("decision", decision);
        if (extra != null) {
            extra.forEach(body::add);
        }
        return api.post("/session/" + accepted.getString("session_id") + "/prompts/" + accepted.getString("id")
                + "/approvals", body.build().toString());
    }

    static Path workspace(String sessionId) {
        return server.dataDir().resolve("workspaces").resolve(sessionId);
    }

    static List<JsonObject> events(Api api, String sessionId, String type) {
        var page = api.get("/session/" + sessionId + "/events?after=0&limit=500");
        assertEquals(200, page.status(), page.body());
        return page.json().getJsonArray("items").stream().map(v -> v.asJsonObject())
                .filter(e -> type.equals(e.getString("type"))).toList();
    }

    /** The model requests of one prompt (its script is unique), and of them those that began its run. */
    static List<JsonObject> modelRequests(String prompt) {
        return models.openAiRequests.stream().filter(r -> r.getJsonArray("messages").stream()
                .anyMatch(m -> prompt.equals(m.asJsonObject().getString("content", null)))).toList();
    }

    static long firstTurns(String prompt) {
        return modelRequests(prompt).stream().filter(r -> {
            var messages = r.getJsonArray("messages");
            return prompt.equals(messages.getJsonObject(messages.size() - 1).getString("content", null));
        }).count();
    }

    static void problem(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    @Test
    @Order(1)
    void anApprovedCallRunsAndTheRunGoesOnWithoutAskingTheModelAgain() throws Exception {
        var prompt = script("approved.txt", "hello");
        var accepted = waiting(alice, null, prompt);
        var sessionId = accepted.getString("session_id");

        var view = prompt(alice, accepted);
        assertEquals("waiting_approval", view.getString("status"));
        var request = view.getJsonArray("approvals").getJsonObject(0);
        assertEquals("pending", request.getString("status"));
        assertEquals("write_file", request.getString("tool"));
        assertEquals("call_w", request.getString("tool_call_id"));
        assertEquals("approved.txt", request.getJsonObject("arguments").getString("path"));
        assertTrue(Instant.parse(request.getString("expires_at")).isAfter(Instant.now().plusSeconds(60)), request.toString());
        assertFalse(Files.exists(workspace(sessionId).resolve("approved.txt")), "nothing runs before the decision");
        var requested = events(alice, sessionId, "tool_call.approval_requested");
        assertEquals(1, requested.size(), requested.toString());
        var data = requested.get(0).getJsonObject("data");
        assertEquals(accepted.getString("id"), data.getString("prompt_id"));
        assertEquals("call_w", data.getString("tool_call_id"));
        assertEquals("write_file", data.getString("tool"));
        assertEquals("hello", data.getJsonObject("arguments").getString("content"));
        assertNotNull(data.getString("expires_at"));

        var decided = decide(alice, accepted, "call_w", "approve", null);
        assertEquals(200, decided.status(), decided.body());
        assertEquals("approved", decided.json().getString("status"));
        assertEquals("approve", decided.json().getString("decision"));
        assertEquals("approvals-alice", decided.json().getString("decided_by"));

        var done = ended(alice, accepted);
        assertEquals("completed", done.getString("status"), done.toString());
        assertTrue(done.getString("answer").startsWith("done: "), done.toString());
        assertEquals("hello", Files.readString(workspace(sessionId).resolve("approved.txt")));
        assertEquals(1, firstTurns(prompt), "the turn that asked for the call is not asked again");
        assertEquals(2, modelRequests(prompt).size(), "one turn before the decision, one after the tool ran");
        var afterDecision = modelRequests(prompt).get(1).getJsonArray("messages");
        assertEquals("tool", afterDecision.getJsonObject(afterDecision.size() - 1).getString("role"));
        var decidedEvents = events(alice, sessionId, "tool_call.approval_decided");
        assertEquals(1, decidedEvents.size());
        assertEquals("approve", decidedEvents.get(0).getJsonObject("data").getString("decision"));
        assertFalse(decidedEvents.get(0).getJsonObject("data").getBoolean("expired"));
        // the history is whole and in order: user, the asking turn, the result, the answer
        var roles = alice.messages(sessionId).stream().map(m -> m.getString("role")).toList();
        assertEquals(List.of("user", "assistant", "tool", "assistant"), roles);
    }

    @Test
    @Order(2)
    void aDeniedCallDoesNotRunAndTheModelHearsWhy() {
        var accepted = waiting(alice, null, script("denied.txt", "no"));
        var decided = decide(alice, accepted, "call_w", "deny", Json.createObjectBuilder().add("reason", "not in prod").build());
        assertEquals(200, decided.status(), decided.body());
        assertEquals("denied", decided.json().getString("status"));
        assertEquals("not in prod", decided.json().getString("reason"));
        var done = ended(alice, accepted);
        assertEquals("completed", done.getString("status"), done.toString());
        assertTrue(done.getString("answer").contains("denied") && done.getString("answer").contains("not in prod"),
                done.toString());
        assertFalse(Files.exists(workspace(accepted.getString("session_id")).resolve("denied.txt")));
    }

    @Test
    @Order(3)
    void anApprovedCallRunsWithTheEditedArguments() throws Exception {
        var accepted = waiting(alice, null, script("asked.txt", "as asked"));
        var edited = Json.createObjectBuilder().add("path", "edited.txt").add("content", "as edited").build();
        var decided = decide(alice, accepted, "call_w", "approve", Json.createObjectBuilder().add("arguments", edited).build());
        assertEquals(200, decided.status(), decided.body());
        assertEquals("edited.txt", decided.json().getJsonObject("decided_arguments").getString("path"));
        assertEquals("completed", ended(alice, accepted).getString("status"));
        var workspace = workspace(accepted.getString("session_id"));
        assertEquals("as edited", Files.readString(workspace.resolve("edited.txt")));
        assertFalse(Files.exists(workspace.resolve("asked.txt")));
        // arguments are a tool's JSON object; with a denial they make no sense
        var other = waiting(alice, null, script("x.txt", "x"));
        problem(decide(alice, other, "call_w", "approve", Json.createObjectBuilder().add("arguments", "rm -rf").build()),
                400, "validation-failed");
        problem(decide(alice, other, "call_w", "deny", Json.createObjectBuilder().add("arguments", edited).build()),
                400, "validation-failed");
        problem(decide(alice, other, "call_w", "maybe", null), 400, "validation-failed");
        assertEquals(200, decide(alice, other, "call_w", "deny", null).status());
        ended(alice, other);
    }

    @Test
    @Order(4)
    void decidingTwiceIsIdempotentAndOnlyTheOwnerDecides() {
        var accepted = waiting(alice, null, script("twice.txt", "once"));
        // someone else's prompt is not there for them, exactly like a missing one
        problem(decide(bob, accepted, "call_w", "approve", null), 404, "not-found");
        problem(decide(alice, accepted, "no-such-call", "approve", null), 404, "not-found");
        var first = decide(alice, accepted, "call_w", "approve", null);
        assertEquals(200, first.status(), first.body());
        var again = decide(alice, accepted, "call_w", "approve", null);
        assertEquals(200, again.status(), again.body());
        assertEquals(first.json().getString("decided_at"), again.json().getString("decided_at"));
        var otherwise = decide(alice, accepted, "call_w", "deny", null);
        problem(otherwise, 409, "approval-decided");
        assertEquals("approved", otherwise.json().getString("approval_status"));
        assertEquals("completed", ended(alice, accepted).getString("status"));
        assertEquals(1, events(alice, accepted.getString("session_id"), "tool_call.approval_decided").size(),
                "one decision, one event");
    }

    @Test
    @Order(5)
    void theSessionsQueueWaitsBehindAWaitingPrompt() {
        var first = waiting(alice, null, script("first.txt", "1"));
        var sessionId = first.getString("session_id");
        var second = alice.post("/query", Json.createObjectBuilder().add("session_id", sessionId).add("prompt", "behind")
                .build().toString(), "Prefer", "respond-async");
        assertEquals(202, second.status(), second.body());
        var behind = second.json();
        assertEquals("queued", prompt(alice, behind).getString("status"));
        assertEquals("waiting_approval", prompt(alice, first).getString("status"));
        var decided = decide(alice, first, "call_w", "approve", null);
        assertEquals(200, decided.status(), decided.body());
        assertEquals("completed", ended(alice, first).getString("status"));
        var done = ended(alice, behind);
        assertEquals("completed", done.getString("status"), done.toString());
        assertFalse(Instant.parse(done.getString("started_at"))
                .isBefore(Instant.parse(decided.json().getString("decided_at"))), "the queued prompt started after the decision");
        assertTrue(prompt(alice, first).getInt("number") < done.getInt("number"));
    }

    @Test
    @Order(6)
    void theBusyPoliciesTreatAWaitingPromptAsRunning() {
        var accepted = waiting(alice, null, script("busy.txt", "never"));
        var sessionId = accepted.getString("session_id");
        var rejected = alice.post("/query", Json.createObjectBuilder().add("session_id", sessionId).add("prompt", "not now")
                .add("busy", "reject").build().toString());
        problem(rejected, 409, "session-busy");
        assertEquals(accepted.getString("id"), rejected.json().getString("running_prompt_id"));
        var interrupting = alice.post("/query", Json.createObjectBuilder().add("session_id", sessionId)
                .add("prompt", "instead").add("busy", "interrupt").build().toString());
        assertEquals(200, interrupting.status(), interrupting.body());
        assertEquals("completed", interrupting.json().getString("status"));
        var interrupted = prompt(alice, accepted);
        assertEquals("cancelled", interrupted.getString("status"));
        assertEquals("interrupted", interrupted.getJsonObject("error").getString("code"));
        assertEquals("cancelled", interrupted.getJsonArray("approvals").getJsonObject(0).getString("status"));
        assertFalse(Files.exists(workspace(sessionId).resolve("busy.txt")));
    }

    @Test
    @Order(6)
    void stopCancelsAWaitingPromptAndFreesTheSession() {
        var accepted = waiting(alice, null, script("stopped.txt", "never"));
        var sessionId = accepted.getString("session_id");
        var stopped = alice.post("/session/" + sessionId + "/stop", "{}");
        assertEquals(200, stopped.status(), stopped.body());
        assertTrue(stopped.body().contains(accepted.getString("id")), stopped.body());
        var view = prompt(alice, accepted);
        assertEquals("cancelled", view.getString("status"));
        assertEquals("cancelled", view.getJsonArray("approvals").getJsonObject(0).getString("status"));
        problem(decide(alice, accepted, "call_w", "approve", null), 409, "approval-decided");
        assertFalse(Files.exists(workspace(sessionId).resolve("stopped.txt")));
        // the session takes the next prompt; the asking turn got a result, so the history stays well formed
        var next = alice.post("/query", Json.createObjectBuilder().add("session_id", sessionId).add("prompt", "after the stop")
                .build().toString());
        assertEquals(200, next.status(), next.body());
        assertEquals("completed", next.json().getString("status"));
        var roles = alice.messages(sessionId).stream().map(m -> m.getString("role")).toList();
        assertEquals(List.of("user", "assistant", "tool", "user", "assistant"), roles);
    }

    @Test
    @Order(7)
    void queryStreamShowsTheRequestAndTakesTheDecisionAsAFrame() {
        var prompt = script("streamed.txt", "via ws");
        try (var ws = WsClient.connect(server, "/query_stream", server.tokenFor("approvals-alice", "user"))) {
            ws.send(Json.createObjectBuilder().add("prompt", prompt).add("agent", agent).build().toString());
            assertEquals("accepted", ws.next(WAIT).getString("type"));
            var frames = ws.until(f -> "tool_call.approval_requested".equals(f.getString("type")), WAIT);
            var request = frames.get(frames.size() - 1).getJsonObject("data");
            assertEquals("call_w", request.getString("tool_call_id"));
            ws.send(Json.createObjectBuilder().add("type", "approval").add("tool_call_id", "call_w")
                    .add("decision", "approve").build().toString());
            var rest = ws.until(WsClient::terminal, WAIT);
            var types = rest.stream().map(f -> f.getString("type")).toList();
            assertTrue(types.contains("approval"), types.toString());
            assertTrue(types.contains("tool_call.approval_decided"), types.toString());
            assertEquals("prompt.completed", types.get(types.size() - 1));
        }
    }

    @Test
    @Order(8)
    void aJobWaitsForItsApprovalToo() {
        var submitted = alice.post("/submit", Json.createObjectBuilder().add("prompt", script("job.txt", "job"))
                .add("agent", agent).build().toString());
        assertEquals(202, submitted.status(), submitted.body());
        var jobId = submitted.json().getString("id");
        var job = Await.until("the job to wait", WAIT, () -> alice.get("/jobs/" + jobId).json(),
                j -> "waiting_approval".equals(j.getString("status")));
        var accepted = Json.createObjectBuilder().add("session_id", job.getString("session_id")).add("id", jobId).build();
        assertEquals(200, decide(alice, accepted, "call_w", "approve", null).status());
        var done = Await.until("the job's end", WAIT, () -> alice.get("/jobs/" + jobId).json(),
                j -> List.of("completed", "failed", "cancelled").contains(j.getString("status")));
        assertEquals("completed", done.getString("status"), done.toString());
        assertEquals(1, done.getInt("attempts"), "a pause is not an attempt");
    }

    /** The echo model's {@code /tool} directive: one call of {@code tool} with these arguments, then the answer. */
    static String echoTool(String tool, JsonObject arguments) {
        return "/tool " + tool + " " + arguments;
    }

    static JsonObject write(String path, String content) {
        return Json.createObjectBuilder().add("path", path).add("content", content).build();
    }

    /** The single pending request of a waiting prompt. */
    static JsonObject pending(Api api, JsonObject accepted) {
        var view = prompt(api, accepted);
        assertEquals("waiting_approval", view.getString("status"), view.toString());
        var pending = view.getJsonArray("approvals").stream().map(v -> v.asJsonObject())
                .filter(a -> "pending".equals(a.getString("status"))).toList();
        assertEquals(1, pending.size(), view.toString());
        return pending.get(0);
    }

    @Test
    @Order(9)
    void anUnlessRuleLetsWritesToDraftsRunAndMakesOthersWait() throws Exception {
        var created = alice.post("/agents", Json.createObjectBuilder().add("name", "drafter").add("model", "echo")
                .add("approval", Json.createObjectBuilder().add("write_file", Json.createObjectBuilder()
                        .add("unless", Json.createObjectBuilder().add("path", "drafts/**"))))
                .build().toString());
        assertEquals(201, created.status(), created.body());
        assertEquals("drafts/**", created.json().getJsonObject("approval").getJsonObject("write_file")
                .getJsonObject("unless").getString("path"), "shown as given");
        problem(alice.post("/agents", """
                {"name": "sloppy", "approval": {"write_file": {"unless": {"path": 7}}}}"""), 400, "validation-failed");
        problem(alice.post("/agents", """
                {"name": "sloppy", "approval": {"write_file": {"unles": {"path": "drafts/**"}}}}"""), 400, "validation-failed");

        var drafted = alice.post("/query", Json.createObjectBuilder().add("agent", "drafter")
                .add("prompt", echoTool("write_file", write("drafts/plan.md", "draft"))).build().toString());
        assertEquals(200, drafted.status(), drafted.body());
        assertEquals("completed", drafted.json().getString("status"), drafted.body());
        assertEquals("draft", Files.readString(workspace(drafted.json().getString("session_id")).resolve("drafts/plan.md")));

        // the last: the name twice, so that a tool reading the first value would write outside drafts/
        for (var arguments : List.of(write("notes/plan.md", "note").toString(), write("drafts/../notes/plan.md", "note").toString(),
                "{\"path\": \"notes/plan.md\", \"content\": \"note\", \"path\": \"drafts/plan.md\"}")) {
            var accepted = alice.post("/query", Json.createObjectBuilder().add("agent", "drafter")
                    .add("prompt", "/tool write_file " + arguments).build().toString());
            assertEquals(202, accepted.status(), accepted.body());
            assertEquals("waiting_approval", accepted.json().getString("status"), arguments);
            var asked = pending(alice, accepted.json());
            assertEquals(200, decide(alice, accepted.json(), asked.getString("tool_call_id"), "deny", null).status());
            assertEquals("completed", ended(alice, accepted.json()).getString("status"));
            assertFalse(Files.exists(workspace(accepted.json().getString("session_id")).resolve("notes/plan.md")));
        }
    }

    @Test
    @Order(10)
    void aRequestsRuleMakesCallsOfAProfilelessPromptWaitEveryTurn() throws Exception {
        var prompt = "/tools " + Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("name", "write_file").add("arguments", write("one.txt", "1")))
                .add(Json.createObjectBuilder().add("name", "write_file").add("arguments", write("two.txt", "2"))).build();
        var body = Json.createObjectBuilder().add("prompt", prompt)
                .add("approval", Json.createObjectBuilder().add("write_file", "always")).build().toString();
        var response = alice.post("/query", body, "Idempotency-Key", "request-rules-1");
        assertEquals(202, response.status(), response.body());
        var accepted = response.json();
        assertEquals("waiting_approval", accepted.getString("status"));
        var sessionId = accepted.getString("session_id");

        var replay = alice.post("/query", body, "Idempotency-Key", "request-rules-1");
        assertEquals(accepted.getString("id"), replay.json().getString("id"), replay.body());
        problem(alice.post("/query", Json.createObjectBuilder().add("prompt", prompt)
                .add("approval", Json.createObjectBuilder().add("write_file", "never")).build().toString(),
                "Idempotency-Key", "request-rules-1"), 409, "idempotency-key-reused");

        var first = pending(alice, accepted);
        assertEquals("one.txt", first.getJsonObject("arguments").getString("path"));
        assertEquals(200, decide(alice, accepted, first.getString("tool_call_id"), "approve", null).status());
        // the resumed run is built again from the stored prompt: the request's rule still holds
        var second = Await.until("the second call to wait", WAIT, () -> prompt(alice, accepted).getJsonArray("approvals"),
                a -> a.size() == 2).getJsonObject(1);
        assertEquals("two.txt", second.getJsonObject("arguments").getString("path"));
        assertEquals("pending", second.getString("status"));
        assertEquals("1", Files.readString(workspace(sessionId).resolve("one.txt")));
        assertFalse(Files.exists(workspace(sessionId).resolve("two.txt")));
        assertEquals(200, decide(alice, accepted, second.getString("tool_call_id"), "approve", null).status());
        assertEquals("completed", ended(alice, accepted).getString("status"));
        assertEquals("2", Files.readString(workspace(sessionId).resolve("two.txt")));

        problem(alice.post("/query", """
                {"prompt": "hi", "approval": {"writ_file": "always"}}"""), 400, "unknown-tool");
        problem(alice.post("/query", """
                {"prompt": "hi", "approval": {"write_file": {"if": {"path": ["a"]}}}}"""), 400, "validation-failed");
    }

    @Test
    @Order(11)
    void aRequestCannotLoosenItsProfilesRule() {
        var body = Json.createObjectBuilder().add("agent", agent).add("prompt", script("loosened.txt", "no"))
                .add("approval", Json.createObjectBuilder().add("write_file", "never")).build().toString();
        var response = alice.post("/query", body);
        assertEquals(202, response.status(), response.body());
        assertEquals("waiting_approval", response.json().getString("status"), response.body());
        var asked = pending(alice, response.json());
        assertEquals(200, decide(alice, response.json(), asked.getString("tool_call_id"), "deny", null).status());

        var job = alice.post("/submit", Json.createObjectBuilder()
                .add("prompt", echoTool("write_file", write("job-rule.txt", "job")))
                .add("approval", Json.createObjectBuilder().add("write_file", "always")).build().toString());
        assertEquals(202, job.status(), job.body());
        var jobId = job.json().getString("id");
        var waitingJob = Await.until("the job to wait", WAIT, () -> alice.get("/jobs/" + jobId).json(),
                j -> "waiting_approval".equals(j.getString("status")));
        var accepted = Json.createObjectBuilder().add("session_id", waitingJob.getString("session_id")).add("id", jobId).build();
        assertEquals(200, decide(alice, accepted, pending(alice, accepted).getString("tool_call_id"), "deny", null).status());
    }

    @Test
    @Order(12)
    void theWaitSurvivesARestartAndTheRunResumesFromWhereItStopped() throws Exception {
        var prompt = script("restart.txt", "after restart");
        var accepted = waiting(alice, null, prompt);
        server.stop();
        // the next test needs requests that expire quickly; this one was asked under the long timeout
        env.put("RAFIKI_APPROVALS_TIMEOUT", "PT2S");
        server.launch();
        alice = server.api("approvals-alice");
        assertEquals("waiting_approval", prompt(alice, accepted).getString("status"));
        var decided = decide(alice, accepted, "call_w", "approve", null);
        assertEquals(200, decided.status(), decided.body());
        var done = ended(alice, accepted);
        assertEquals("completed", done.getString("status"), done.toString());
        assertEquals("after restart", Files.readString(workspace(accepted.getString("session_id")).resolve("restart.txt")));
        assertEquals(1, firstTurns(prompt), "resumed from the stored turn, not by asking the model again");
    }

    @Test
    @Order(13)
    void anExpiredRequestIsDeniedWithAnEvent() {
        var accepted = waiting(alice, null, script("expired.txt", "late"));
        var done = ended(alice, accepted);
        assertEquals("completed", done.getString("status"), done.toString());
        assertTrue(done.getString("answer").contains("expired"), done.toString());
        assertEquals("expired", done.getJsonArray("approvals").getJsonObject(0).getString("status"));
        var decided = events(alice, accepted.getString("session_id"), "tool_call.approval_decided");
        assertEquals(1, decided.size());
        assertEquals("deny", decided.get(0).getJsonObject("data").getString("decision"));
        assertTrue(decided.get(0).getJsonObject("data").getBoolean("expired"));
        problem(decide(alice, accepted, "call_w", "approve", null), 409, "approval-decided");
        assertEquals(200, decide(alice, accepted, "call_w", "deny", null).status(), "a late denial agrees with the expiry");
        assertFalse(Files.exists(workspace(accepted.getString("session_id")).resolve("expired.txt")));
    }
}
