package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Approval;
import dev.rafiki.client.ApprovalDecision;
import dev.rafiki.client.Busy;
import dev.rafiki.client.Event;
import dev.rafiki.client.Job;
import dev.rafiki.client.Message;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
 * Through the Java client; raw {@link Api} calls remain only where the wire itself is tested: the
 * refusals' problem+json, and bodies the typed requests cannot build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApprovalsIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String MODEL = "openai/gpt-4o-mini";

    static FakeModelProviders models;
    static Map<String, String> env;
    static RafikiServer server;
    static RafikiClient alice;
    static Api aliceApi;
    static Api bobApi;
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
        alice = server.client("approvals-alice");
        aliceApi = server.api("approvals-alice");
        bobApi = server.api("approvals-bob");
        alice.agents().create(Json.createObjectBuilder().add("name", "careful").add("model", MODEL)
                .add("approval", Json.createObjectBuilder().add("write_file", "always").add("read_file", "never"))
                .build());
        agent = "careful";
    }

    @AfterAll
    static void stop() {
        if (alice != null) {
            alice.close();
        }
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

    /** An answer that waits for a person, with where to look: the result_url only an answer still under way (202) carries. */
    static Prompt assertWaiting(Prompt answer) {
        assertEquals("waiting_approval", answer.status(), answer.toString());
        assertEquals("/session/" + answer.sessionId() + "/prompts/" + answer.id(), answer.resultUrl());
        return answer;
    }

    /** {@code POST /query} of a prompt with the profile that makes it wait: answered at once. */
    static Prompt waiting(String prompt) {
        return assertWaiting(alice.query(QueryRequest.of(prompt).withAgent(agent)));
    }

    static Prompt prompt(Prompt accepted) {
        return alice.sessions().prompt(accepted.sessionId(), accepted.id());
    }

    static Prompt ended(Prompt accepted) {
        return Await.until("the prompt's end", WAIT, () -> prompt(accepted), Prompt::terminal);
    }

    static Approval decide(Prompt accepted, ApprovalDecision decision) {
        return alice.sessions().decide(accepted.sessionId(), accepted.id(), decision);
    }

    /** Raw, for refusals whose problem+json is checked and bodies the typed decision cannot build. */
    static Api.Response decide(Api api, Prompt accepted, String toolCallId, String decision, JsonObject extra) {
        var body = Json.createObjectBuilder().add("tool_call_id", toolCallId).add("decision", decision);
        if (extra != null) {
            extra.forEach(body::add);
        }
        return api.post("/session/" + accepted.sessionId() + "/prompts/" + accepted.id() + "/approvals",
                body.build().toString());
    }

    static Path workspace(UUID sessionId) {
        return server.dataDir().resolve("workspaces").resolve(sessionId.toString());
    }

    static List<Event> events(UUID sessionId, String type) {
        return alice.sessions().events(sessionId, 0, 500).items().stream().filter(e -> type.equals(e.type())).toList();
    }

    static List<String> roles(UUID sessionId) {
        return alice.sessions().messages(sessionId).stream().map(Message::role).toList();
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
        var accepted = waiting(prompt);
        var sessionId = accepted.sessionId();

        var view = prompt(accepted);
        assertEquals("waiting_approval", view.status());
        var request = view.approvals().get(0);
        assertEquals("pending", request.status());
        assertEquals("write_file", request.tool());
        assertEquals("call_w", request.toolCallId());
        assertEquals("approved.txt", request.arguments().asJsonObject().getString("path"));
        assertTrue(request.expiresAt().isAfter(Instant.now().plusSeconds(60)), request.toString());
        assertFalse(Files.exists(workspace(sessionId).resolve("approved.txt")), "nothing runs before the decision");
        var requested = events(sessionId, "tool_call.approval_requested");
        assertEquals(1, requested.size(), requested.toString());
        var data = requested.get(0).data();
        assertEquals(accepted.id().toString(), data.getString("prompt_id"));
        assertEquals("call_w", data.getString("tool_call_id"));
        assertEquals("write_file", data.getString("tool"));
        assertEquals("hello", data.getJsonObject("arguments").getString("content"));
        assertNotNull(data.getString("expires_at"));

        var decided = decide(accepted, ApprovalDecision.approve("call_w"));
        assertEquals("approved", decided.status());
        assertEquals("approve", decided.decision());
        assertEquals("approvals-alice", decided.decidedBy());

        var done = ended(accepted);
        assertEquals("completed", done.status(), done.toString());
        assertTrue(done.answer().startsWith("done: "), done.toString());
        assertEquals("hello", Files.readString(workspace(sessionId).resolve("approved.txt")));
        assertEquals(1, firstTurns(prompt), "the turn that asked for the call is not asked again");
        assertEquals(2, modelRequests(prompt).size(), "one turn before the decision, one after the tool ran");
        var afterDecision = modelRequests(prompt).get(1).getJsonArray("messages");
        assertEquals("tool", afterDecision.getJsonObject(afterDecision.size() - 1).getString("role"));
        var decidedEvents = events(sessionId, "tool_call.approval_decided");
        assertEquals(1, decidedEvents.size());
        assertEquals("approve", decidedEvents.get(0).data().getString("decision"));
        assertFalse(decidedEvents.get(0).data().getBoolean("expired"));
        // the history is whole and in order: user, the asking turn, the result, the answer
        assertEquals(List.of("user", "assistant", "tool", "assistant"), roles(sessionId));
    }

    @Test
    @Order(2)
    void aDeniedCallDoesNotRunAndTheModelHearsWhy() {
        var accepted = waiting(script("denied.txt", "no"));
        var decided = decide(accepted, ApprovalDecision.deny("call_w", "not in prod"));
        assertEquals("denied", decided.status());
        assertEquals("not in prod", decided.reason());
        var done = ended(accepted);
        assertEquals("completed", done.status(), done.toString());
        assertTrue(done.answer().contains("denied") && done.answer().contains("not in prod"), done.toString());
        assertFalse(Files.exists(workspace(accepted.sessionId()).resolve("denied.txt")));
    }

    @Test
    @Order(3)
    void anApprovedCallRunsWithTheEditedArguments() throws Exception {
        var accepted = waiting(script("asked.txt", "as asked"));
        var edited = Json.createObjectBuilder().add("path", "edited.txt").add("content", "as edited").build();
        var decided = decide(accepted, ApprovalDecision.approve("call_w").withArguments(edited));
        assertEquals("edited.txt", decided.decidedArguments().asJsonObject().getString("path"));
        assertEquals("completed", ended(accepted).status());
        var workspace = workspace(accepted.sessionId());
        assertEquals("as edited", Files.readString(workspace.resolve("edited.txt")));
        assertFalse(Files.exists(workspace.resolve("asked.txt")));
        // arguments are a tool's JSON object; with a denial they make no sense
        var other = waiting(script("x.txt", "x"));
        // raw: the refusals' problem+json, and a decision no typed ApprovalDecision names
        problem(decide(aliceApi, other, "call_w", "approve", Json.createObjectBuilder().add("arguments", "rm -rf").build()),
                400, "validation-failed");
        problem(decide(aliceApi, other, "call_w", "deny", Json.createObjectBuilder().add("arguments", edited).build()),
                400, "validation-failed");
        problem(decide(aliceApi, other, "call_w", "maybe", null), 400, "validation-failed");
        decide(other, ApprovalDecision.deny("call_w", null));
        ended(other);
    }

    @Test
    @Order(4)
    void decidingTwiceIsIdempotentAndOnlyTheOwnerDecides() {
        var accepted = waiting(script("twice.txt", "once"));
        // someone else's prompt is not there for them, exactly like a missing one
        // raw: the refusals' problem+json
        problem(decide(bobApi, accepted, "call_w", "approve", null), 404, "not-found");
        problem(decide(aliceApi, accepted, "no-such-call", "approve", null), 404, "not-found");
        var first = decide(accepted, ApprovalDecision.approve("call_w"));
        var again = decide(accepted, ApprovalDecision.approve("call_w"));
        assertEquals(first.decidedAt(), again.decidedAt());
        var otherwise = decide(aliceApi, accepted, "call_w", "deny", null);
        problem(otherwise, 409, "approval-decided");
        assertEquals("approved", otherwise.json().getString("approval_status"));
        assertEquals("completed", ended(accepted).status());
        assertEquals(1, events(accepted.sessionId(), "tool_call.approval_decided").size(), "one decision, one event");
    }

    @Test
    @Order(5)
    void theSessionsQueueWaitsBehindAWaitingPrompt() {
        var first = waiting(script("first.txt", "1"));
        var sessionId = first.sessionId();
        var behind = alice.start(QueryRequest.of("behind").inSession(sessionId));
        assertFalse(behind.terminal(), behind.toString());
        assertEquals("queued", prompt(behind).status());
        assertEquals("waiting_approval", prompt(first).status());
        var decided = decide(first, ApprovalDecision.approve("call_w"));
        assertEquals("completed", ended(first).status());
        var done = ended(behind);
        assertEquals("completed", done.status(), done.toString());
        assertFalse(done.startedAt().isBefore(decided.decidedAt()), "the queued prompt started after the decision");
        assertTrue(prompt(first).number() < done.number());
    }

    @Test
    @Order(6)
    void theBusyPoliciesTreatAWaitingPromptAsRunning() {
        var accepted = waiting(script("busy.txt", "never"));
        var sessionId = accepted.sessionId();
        // raw: the refusal's problem+json and its running_prompt_id
        var rejected = aliceApi.post("/query", Json.createObjectBuilder().add("session_id", sessionId.toString())
                .add("prompt", "not now").add("busy", "reject").build().toString());
        problem(rejected, 409, "session-busy");
        assertEquals(accepted.id().toString(), rejected.json().getString("running_prompt_id"));
        var interrupting = alice.query(QueryRequest.of("instead").inSession(sessionId).withBusy(Busy.INTERRUPT));
        assertEquals("completed", interrupting.status());
        var interrupted = prompt(accepted);
        assertEquals("cancelled", interrupted.status());
        assertEquals("interrupted", interrupted.error().code());
        assertEquals("cancelled", interrupted.approvals().get(0).status());
        assertFalse(Files.exists(workspace(sessionId).resolve("busy.txt")));
    }

    @Test
    @Order(6)
    void stopCancelsAWaitingPromptAndFreesTheSession() {
        var accepted = waiting(script("stopped.txt", "never"));
        var sessionId = accepted.sessionId();
        var stopped = alice.sessions().stop(sessionId, false);
        assertTrue(stopped.cancelled().contains(accepted.id()), stopped.toString());
        var view = prompt(accepted);
        assertEquals("cancelled", view.status());
        assertEquals("cancelled", view.approvals().get(0).status());
        // raw: the refusal's problem+json
        problem(decide(aliceApi, accepted, "call_w", "approve", null), 409, "approval-decided");
        assertFalse(Files.exists(workspace(sessionId).resolve("stopped.txt")));
        // the session takes the next prompt; the asking turn got a result, so the history stays well formed
        var next = alice.query(QueryRequest.of("after the stop").inSession(sessionId));
        assertEquals("completed", next.status());
        assertEquals(List.of("user", "assistant", "tool", "user", "assistant"), roles(sessionId));
    }

    @Test
    @Order(7)
    void queryStreamShowsTheRequestAndTakesTheDecisionAsAFrame() throws Exception {
        var prompt = script("streamed.txt", "via ws");
        var events = new CopyOnWriteArrayList<Event>();
        try (var stream = alice.queryStream(QueryRequest.of(prompt).withAgent(agent), events::add)) {
            assertNotNull(stream.accepted().get(WAIT.toSeconds(), TimeUnit.SECONDS), "the accepted frame");
            var request = Await.until("the approval request", WAIT, () -> events.stream()
                    .filter(e -> "tool_call.approval_requested".equals(e.type())).findFirst(), Optional::isPresent).get();
            assertEquals("call_w", request.data().getString("tool_call_id"));
            // the decision goes as an approval frame; the future completes with the approval frame that answers it
            var approval = stream.decide(ApprovalDecision.approve("call_w")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("approved", approval.status(), approval.toString());
            assertEquals("completed", stream.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
            var types = events.stream().map(Event::type).toList();
            assertTrue(types.contains("tool_call.approval_decided"), types.toString());
            assertEquals("prompt.completed", types.get(types.size() - 1));
        }
    }

    @Test
    @Order(8)
    void aJobWaitsForItsApprovalToo() {
        var jobId = alice.jobs().submit(SubmitRequest.of(script("job.txt", "job")).withAgent(agent)).id();
        var job = Await.until("the job to wait", WAIT, () -> alice.jobs().get(jobId),
                j -> "waiting_approval".equals(j.status()));
        // a job's prompt has the job's id
        alice.sessions().decide(job.sessionId(), jobId, ApprovalDecision.approve("call_w"));
        var done = Await.until("the job's end", WAIT, () -> alice.jobs().get(jobId), Job::terminal);
        assertEquals("completed", done.status(), done.toString());
        assertEquals(1, done.attempts(), "a pause is not an attempt");
    }

    /** The echo model's {@code /tool} directive: one call of {@code tool} with these arguments, then the answer. */
    static String echoTool(String tool, JsonObject arguments) {
        return "/tool " + tool + " " + arguments;
    }

    static JsonObject write(String path, String content) {
        return Json.createObjectBuilder().add("path", path).add("content", content).build();
    }

    /** The single pending request of a waiting prompt (a job's prompt has the job's id). */
    static Approval pending(UUID sessionId, UUID promptId) {
        var view = alice.sessions().prompt(sessionId, promptId);
        assertEquals("waiting_approval", view.status(), view.toString());
        var pending = view.approvals().stream().filter(a -> "pending".equals(a.status())).toList();
        assertEquals(1, pending.size(), view.toString());
        return pending.get(0);
    }

    static Approval pending(Prompt accepted) {
        return pending(accepted.sessionId(), accepted.id());
    }

    @Test
    @Order(9)
    void anUnlessRuleLetsWritesToDraftsRunAndMakesOthersWait() throws Exception {
        var created = alice.agents().create(Json.createObjectBuilder().add("name", "drafter").add("model", "echo")
                .add("approval", Json.createObjectBuilder().add("write_file", Json.createObjectBuilder()
                        .add("unless", Json.createObjectBuilder().add("path", "drafts/**"))))
                .build());
        assertEquals("drafts/**", created.approval().getJsonObject("write_file").getJsonObject("unless").getString("path"),
                "shown as given");
        // raw: the refusals' problem+json
        problem(aliceApi.post("/agents", """
                {"name": "sloppy", "approval": {"write_file": {"unless": {"path": 7}}}}"""), 400, "validation-failed");
        problem(aliceApi.post("/agents", """
                {"name": "sloppy", "approval": {"write_file": {"unles": {"path": "drafts/**"}}}}"""), 400, "validation-failed");

        var drafted = alice.query(QueryRequest.of(echoTool("write_file", write("drafts/plan.md", "draft"))).withAgent("drafter"));
        assertEquals("completed", drafted.status(), drafted.toString());
        assertEquals("draft", Files.readString(workspace(drafted.sessionId()).resolve("drafts/plan.md")));

        // the last: the name twice, so that a tool reading the first value would write outside drafts/
        for (var arguments : List.of(write("notes/plan.md", "note").toString(), write("drafts/../notes/plan.md", "note").toString(),
                "{\"path\": \"notes/plan.md\", \"content\": \"note\", \"path\": \"drafts/plan.md\"}")) {
            var accepted = alice.query(QueryRequest.of("/tool write_file " + arguments).withAgent("drafter"));
            assertEquals("waiting_approval", accepted.status(), arguments);
            assertWaiting(accepted);
            decide(accepted, ApprovalDecision.deny(pending(accepted).toolCallId(), null));
            assertEquals("completed", ended(accepted).status());
            assertFalse(Files.exists(workspace(accepted.sessionId()).resolve("notes/plan.md")));
        }
    }

    @Test
    @Order(10)
    void aRequestsRuleMakesCallsOfAProfilelessPromptWaitEveryTurn() throws Exception {
        var prompt = "/tools " + Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("name", "write_file").add("arguments", write("one.txt", "1")))
                .add(Json.createObjectBuilder().add("name", "write_file").add("arguments", write("two.txt", "2"))).build();
        var request = QueryRequest.of(prompt).withApproval(Json.createObjectBuilder().add("write_file", "always").build())
                .withIdempotencyKey("request-rules-1");
        var accepted = assertWaiting(alice.query(request));
        var sessionId = accepted.sessionId();

        var replay = alice.query(request);
        assertEquals(accepted.id(), replay.id(), replay.toString());
        // raw: the refusal's problem+json
        problem(aliceApi.post("/query", Json.createObjectBuilder().add("prompt", prompt)
                .add("approval", Json.createObjectBuilder().add("write_file", "never")).build().toString(),
                "Idempotency-Key", "request-rules-1"), 409, "idempotency-key-reused");

        var first = pending(accepted);
        assertEquals("one.txt", first.arguments().asJsonObject().getString("path"));
        decide(accepted, ApprovalDecision.approve(first.toolCallId()));
        // the resumed run is built again from the stored prompt: the request's rule still holds
        var second = Await.until("the second call to wait", WAIT, () -> prompt(accepted).approvals(),
                a -> a.size() == 2).get(1);
        assertEquals("two.txt", second.arguments().asJsonObject().getString("path"));
        assertEquals("pending", second.status());
        assertEquals("1", Files.readString(workspace(sessionId).resolve("one.txt")));
        assertFalse(Files.exists(workspace(sessionId).resolve("two.txt")));
        decide(accepted, ApprovalDecision.approve(second.toolCallId()));
        assertEquals("completed", ended(accepted).status());
        assertEquals("2", Files.readString(workspace(sessionId).resolve("two.txt")));

        // raw: the refusals' problem+json
        problem(aliceApi.post("/query", """
                {"prompt": "hi", "approval": {"writ_file": "always"}}"""), 400, "unknown-tool");
        problem(aliceApi.post("/query", """
                {"prompt": "hi", "approval": {"write_file": {"if": {"path": ["a"]}}}}"""), 400, "validation-failed");
    }

    @Test
    @Order(11)
    void aRequestCannotLoosenItsProfilesRule() {
        var response = alice.query(QueryRequest.of(script("loosened.txt", "no")).withAgent(agent)
                .withApproval(Json.createObjectBuilder().add("write_file", "never").build()));
        assertWaiting(response);
        decide(response, ApprovalDecision.deny(pending(response).toolCallId(), null));

        var jobId = alice.jobs().submit(SubmitRequest.of(echoTool("write_file", write("job-rule.txt", "job")))
                .withApproval(Json.createObjectBuilder().add("write_file", "always").build())).id();
        var waitingJob = Await.until("the job to wait", WAIT, () -> alice.jobs().get(jobId),
                j -> "waiting_approval".equals(j.status()));
        alice.sessions().decide(waitingJob.sessionId(), jobId,
                ApprovalDecision.deny(pending(waitingJob.sessionId(), jobId).toolCallId(), null));
    }

    @Test
    @Order(12)
    void theWaitSurvivesARestartAndTheRunResumesFromWhereItStopped() throws Exception {
        var prompt = script("restart.txt", "after restart");
        var accepted = waiting(prompt);
        server.stop();
        // the next test needs requests that expire quickly; this one was asked under the long timeout
        env.put("RAFIKI_APPROVALS_TIMEOUT", "PT2S");
        server.launch();
        alice.close();
        alice = server.client("approvals-alice");
        aliceApi = server.api("approvals-alice");
        assertEquals("waiting_approval", prompt(accepted).status());
        decide(accepted, ApprovalDecision.approve("call_w"));
        var done = ended(accepted);
        assertEquals("completed", done.status(), done.toString());
        assertEquals("after restart", Files.readString(workspace(accepted.sessionId()).resolve("restart.txt")));
        assertEquals(1, firstTurns(prompt), "resumed from the stored turn, not by asking the model again");
    }

    @Test
    @Order(13)
    void anExpiredRequestIsDeniedWithAnEvent() {
        var accepted = waiting(script("expired.txt", "late"));
        var done = ended(accepted);
        assertEquals("completed", done.status(), done.toString());
        assertTrue(done.answer().contains("expired"), done.toString());
        assertEquals("expired", done.approvals().get(0).status());
        var decided = events(accepted.sessionId(), "tool_call.approval_decided");
        assertEquals(1, decided.size());
        assertEquals("deny", decided.get(0).data().getString("decision"));
        assertTrue(decided.get(0).data().getBoolean("expired"));
        // raw: the refusal's problem+json
        problem(decide(aliceApi, accepted, "call_w", "approve", null), 409, "approval-decided");
        assertDoesNotThrow(() -> decide(accepted, ApprovalDecision.deny("call_w", null)), "a late denial agrees with the expiry");
        assertFalse(Files.exists(workspace(accepted.sessionId()).resolve("expired.txt")));
    }
}
