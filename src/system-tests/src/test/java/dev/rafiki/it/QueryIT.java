package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Event;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /query} through the real server: JAX-RS, EJB, JMS, MDB, echo model, JPA. Through the
 * Java client; raw {@link Api} calls remain only where the wire itself is tested.
 */
class QueryIT {

    static RafikiServer server;
    static Api api;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("query-user");
        rafiki = server.client("query-user");
    }

    @AfterAll
    static void stop() {
        rafiki.close();
    }

    @Test
    void aQueryWithoutSessionCreatesOneAndAnswersWithTheEchoModel() {
        var answer = rafiki.query("hello, Rafiki");

        assertEquals("echo: hello, Rafiki", answer.answer());
        assertEquals("completed", answer.status());
        assertNotNull(answer.id());
        var session = rafiki.sessions().get(answer.sessionId());
        assertEquals(1, session.promptCount());
        assertEquals(2, session.messageCount());
    }

    @Test
    void bothMessagesAreStoredInOrderInTheSession() {
        var first = rafiki.query("one");
        var sessionId = first.sessionId();
        // raw: that the answer carries no seq member is the shape of the wire
        var second = api.query(sessionId.toString(), "two");
        assertFalse(second.containsKey("seq"), "seq names an event's cursor, never a prompt's number: " + second);
        var secondId = UUID.fromString(second.getString("id"));
        var view = rafiki.sessions().prompt(sessionId, secondId);

        assertEquals(sessionId, view.sessionId());
        assertEquals(2, view.number());
        assertEquals(2, second.getInt("number"));
        var messages = rafiki.sessions().messages(sessionId);
        assertEquals(4, messages.size());
        assertEquals(List.of("user:one", "assistant:echo: one", "user:two", "assistant:echo: two"),
                messages.stream().map(m -> m.role() + ":" + m.content()).toList());
        assertEquals(secondId, messages.get(3).promptId());
    }

    @Test
    void usageIsCountedPerPromptAndPerSession() {
        var answer = rafiki.query("three little words");
        assertEquals(3, answer.usage().inputTokens());
        assertEquals(4, answer.usage().outputTokens());
        assertEquals(4, rafiki.sessions().get(answer.sessionId()).usage().outputTokens());
    }

    @Test
    void metadataIsKeptOnThePromptOnEitherPathAndNotOnTheSessionItCreates() {
        var answer = rafiki.query(QueryRequest.of("tagged").withMetadata(Json.createObjectBuilder().add("ticket", "T-1")
                .add("n", Json.createArrayBuilder().add(1).add(2)).build()));
        assertEquals("completed", answer.status());
        assertEquals("{\"ticket\":\"T-1\",\"n\":[1,2]}", answer.metadata().toString());
        var sessionId = answer.sessionId();
        assertEquals(answer.metadata(), rafiki.sessions().prompt(sessionId, answer.id()).metadata());
        assertNull(rafiki.sessions().get(sessionId).metadata(), "the prompt's, not the session's");

        // behind a running prompt, the request takes the durable queue
        var running = rafiki.start(QueryRequest.of("/slow 300 busy").inSession(sessionId));
        assertNotEquals("completed", running.status());
        var queued = rafiki.query(QueryRequest.of("second").inSession(sessionId)
                .withMetadata(Json.createObjectBuilder().add("ticket", "T-2").build()));
        assertEquals("completed", queued.status());
        assertEquals("T-2", queued.metadata().getString("ticket"));
        var queuedView = rafiki.sessions().prompt(sessionId, queued.id());
        assertEquals("T-2", queuedView.metadata().getString("ticket"), queuedView.toString());
        assertNull(rafiki.sessions().prompt(sessionId, running.id()).metadata(), "a prompt without metadata shows none");

        // raw: metadata that is no object cannot be built through the typed request
        var notAnObject = api.post("/query", "{\"prompt\":\"x\",\"metadata\":[1]}");
        assertEquals(400, notAnObject.status(), notAnObject.body());
        assertEquals("validation-failed", notAnObject.json().getString("code"));
        var tooLarge = assertThrows(RafikiException.class, () -> rafiki.query(QueryRequest.of("x")
                .withMetadata(Json.createObjectBuilder().add("blob", "x".repeat(16_400)).build())));
        assertEquals(413, tooLarge.status(), tooLarge.getMessage());
        assertEquals("payload-too-large", tooLarge.code());
    }

    @Test
    void aMissingPromptIsAClearProblem() {
        // raw: the problem+json body, its content type and X-Request-Id are the wire
        var response = api.post("/query", "{\"session_id\": null}");

        assertEquals(400, response.status());
        assertEquals("application/problem+json", response.contentType());
        var problem = response.json();
        assertEquals("validation-failed", problem.getString("code"));
        assertEquals(400, problem.getInt("status"));
        assertTrue(problem.getString("detail").contains("'prompt' is required"), problem.toString());
        assertEquals(response.header("X-Request-Id"), problem.getString("request_id"));
        assertFalse(response.body().contains("Exception"), response.body());
    }

    @Test
    void malformedAndMistypedBodiesAreProblemsNotServerErrors() {
        // raw: bodies no typed request can build, and a content type that is not JSON
        for (var body : new String[] {"{oops", "[1,2]", "\"text\"", "{\"prompt\": 42}", "{\"prompt\": \"x\", \"busy\": \"sometimes\"}",
                "{\"prompt\": \"x\", \"session_id\": 7}"}) {
            var response = api.post("/query", body);
            assertEquals(400, response.status(), body + " -> " + response.body());
            assertEquals("application/problem+json", response.contentType(), body);
        }
        // an id that cannot name a session is answered like one that names none
        var malformed = api.post("/query", "{\"prompt\": \"x\", \"session_id\": \"not-a-uuid\"}");
        assertEquals(404, malformed.status(), malformed.body());
        assertEquals("not-found", malformed.json().getString("code"));
        assertEquals(404, assertThrows(RafikiException.class,
                () -> rafiki.query(QueryRequest.of("x").inSession(UUID.randomUUID()))).status());
        var wrongType = api.send("POST", "/query", "text/plain", "hello");
        assertEquals(415, wrongType.status());
        assertEquals("unsupported-media-type", wrongType.json().getString("code"));
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() {
        // raw: the 401's problem+json and its WWW-Authenticate header are the wire
        var anonymous = api.as(null).post("/query", "{\"prompt\":\"hi\"}");
        assertEquals(401, anonymous.status());
        assertEquals("application/problem+json", anonymous.contentType());
        assertEquals("unauthorized", anonymous.json().getString("code"));
        assertNotNull(anonymous.header("WWW-Authenticate"));

        var forged = api.as(server.devToken() + "x").post("/query", "{\"prompt\":\"hi\"}");
        assertEquals(401, forged.status());
    }

    @Test
    void theDevelopmentTokenWorksOutOfTheBox() {
        try (var dev = RafikiClient.builder(server.base()).token(server.devToken()).build()) {
            assertEquals("echo: from the dev token", dev.query("from the dev token").answer());
        }
    }

    @Test
    void anotherUsersSessionLooksExactlyLikeAMissingOne() {
        var mine = rafiki.query("private").sessionId();
        try (var intruder = server.client("intruder")) {
            var asIntruder = assertThrows(RafikiException.class, () -> intruder.query(QueryRequest.of("peek").inSession(mine)));
            var missing = assertThrows(RafikiException.class,
                    () -> intruder.query(QueryRequest.of("peek").inSession(UUID.randomUUID())));
            assertEquals(404, asIntruder.status());
            assertEquals(404, missing.status());
            assertEquals("not-found", asIntruder.code());
            assertEquals(404, assertThrows(RafikiException.class, () -> intruder.sessions().get(mine)).status());
            assertEquals(404, assertThrows(RafikiException.class, () -> intruder.sessions().messages(mine)).status());
        }
        assertEquals(2, rafiki.sessions().messages(mine).size(), "the intruder's attempts left no trace");
    }

    @Test
    void respondAsyncAcceptsAtOnceAndPointsToTheResult() {
        // raw: the 202 and its Location header are the wire
        var response = api.post("/query", "{\"prompt\":\"/slow 300 later please\"}", "Prefer", "respond-async");

        assertEquals(202, response.status());
        var accepted = response.json();
        assertNotNull(response.header("Location"));
        var location = java.net.URI.create(response.header("Location")).getPath();
        assertEquals(location, accepted.getString("result_url"));
        assertNotEquals("completed", accepted.getString("status"));

        var started = rafiki.start(QueryRequest.of("/slow 300 later please"));
        assertNotEquals("completed", started.status());
        assertEquals("/session/" + started.sessionId() + "/prompts/" + started.id(), started.resultUrl());
        var done = Await.until("the prompt to complete", Duration.ofSeconds(30),
                () -> rafiki.sessions().prompt(started.sessionId(), started.id()), p -> "completed".equals(p.status()));
        assertEquals("echo: later please", done.answer());
        // the raw one's Location names the same view
        assertEquals("/session/" + accepted.getString("session_id") + "/prompts/" + accepted.getString("id"), location);
        var viaLocation = Await.until("the raw one to complete", Duration.ofSeconds(30), () -> api.get(location).json(),
                p -> "completed".equals(p.getString("status")));
        assertEquals("echo: later please", viaLocation.getString("answer"));
    }

    @Test
    void theAnswerIsThePromptAsItsViewShowsItUnderTheSameNames() {
        // raw: that both carry the same member names is the shape of the wire (the client reads both as Prompt)
        var answer = api.query(null, "one shape");
        assertFalse(answer.containsKey("prompt_id"), "the prompt's own id is id: " + answer);
        var view = api.get("/session/" + answer.getString("session_id") + "/prompts/" + answer.getString("id")).json();
        assertEquals(view.keySet(), answer.keySet(), "one type parses both");
        for (var member : List.of("id", "session_id", "number", "status", "prompt", "answer", "attempts", "steps", "usage",
                "created_at", "started_at", "finished_at")) {
            assertEquals(view.get(member), answer.get(member), member);
        }
    }

    @Test
    void anAnswerFromTheDurableQueueShowsTheTimesItsViewShows() throws Exception {
        var session = rafiki.sessions().create().id();
        // the session is busy, so the second prompt takes the durable queue and is answered from its record
        var busy = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> rafiki.query(QueryRequest.of("/slow 100 a b c d e").inSession(session)));
        RafikiServer.sleep(100);
        var answer = rafiki.query(QueryRequest.of("queued behind").inSession(session));
        busy.get(30, java.util.concurrent.TimeUnit.SECONDS);
        var view = rafiki.sessions().prompt(session, answer.id());
        assertEquals(view.status(), answer.status());
        assertEquals(view.answer(), answer.answer());
        assertEquals(view.createdAt(), answer.createdAt());
        assertEquals(view.startedAt(), answer.startedAt());
        assertEquals(view.finishedAt(), answer.finishedAt());
        assertNotNull(answer.finishedAt());
        // the durable queue announces the prompt under the same name as the fast lane does
        var queued = rafiki.sessions().events(session, 0, null).items().stream()
                .filter(e -> Event.PROMPT_QUEUED.equals(e.type()) && answer.id().equals(e.promptId()))
                .findFirst().orElseThrow().data();
        assertEquals(2, view.number(), view.toString());
        assertEquals(view.number(), queued.getInt("prompt_number"), queued.toString());
        assertFalse(queued.containsKey("prompt_seq"), queued.toString());
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        // raw: routes and methods the API does not have
        var unknown = api.get("/no/such/route");
        assertEquals(404, unknown.status());
        assertEquals("application/problem+json", unknown.contentType());
        var wrongMethod = api.send("PUT", "/query", "application/json", "{}");
        assertEquals(405, wrongMethod.status());
        assertEquals("method-not-allowed", wrongMethod.json().getString("code"));
        assertNull(wrongMethod.json().get("stack"));
    }
}
