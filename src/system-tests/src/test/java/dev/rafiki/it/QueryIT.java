package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /query} through the real server: JAX-RS, EJB, JMS, MDB, echo model, JPA. */
class QueryIT {

    static RafikiServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("query-user");
    }

    @Test
    void aQueryWithoutSessionCreatesOneAndAnswersWithTheEchoModel() {
        var answer = api.query(null, "hello, Rafiki");

        assertEquals("echo: hello, Rafiki", answer.getString("answer"));
        assertEquals("completed", answer.getString("status"));
        assertNotNull(answer.getString("id"));
        var session = api.get("/session/" + answer.getString("session_id"));
        assertEquals(200, session.status());
        assertEquals(1, session.json().getInt("prompt_count"));
        assertEquals(2, session.json().getInt("message_count"));
    }

    @Test
    void bothMessagesAreStoredInOrderInTheSession() {
        var first = api.query(null, "one");
        var sessionId = first.getString("session_id");
        var second = api.query(sessionId, "two");

        assertEquals(sessionId, second.getString("session_id"));
        assertEquals(2, second.getInt("number"));
        assertFalse(second.containsKey("seq"), "seq names an event's cursor, never a prompt's number: " + second);
        var messages = api.messages(sessionId);
        assertEquals(4, messages.size());
        assertEquals("user:one", messages.get(0).getString("role") + ":" + messages.get(0).getString("content"));
        assertEquals("assistant:echo: one", messages.get(1).getString("role") + ":" + messages.get(1).getString("content"));
        assertEquals("user:two", messages.get(2).getString("role") + ":" + messages.get(2).getString("content"));
        assertEquals("assistant:echo: two", messages.get(3).getString("role") + ":" + messages.get(3).getString("content"));
        assertEquals(second.getString("id"), messages.get(3).getString("prompt_id"));
    }

    @Test
    void usageIsCountedPerPromptAndPerSession() {
        var answer = api.query(null, "three little words");
        var usage = answer.getJsonObject("usage");
        assertEquals(3, usage.getInt("input_tokens"));
        assertEquals(4, usage.getInt("output_tokens"));
        var session = api.get("/session/" + answer.getString("session_id")).json();
        assertEquals(4, session.getJsonObject("usage").getInt("output_tokens"));
    }

    @Test
    void metadataIsKeptOnThePromptOnEitherPathAndNotOnTheSessionItCreates() {
        var fast = api.post("/query", "{\"prompt\":\"tagged\",\"metadata\":{\"ticket\":\"T-1\",\"n\":[1,2]}}");
        assertEquals(200, fast.status(), fast.body());
        var answer = fast.json();
        assertEquals("{\"ticket\":\"T-1\",\"n\":[1,2]}", answer.getJsonObject("metadata").toString());
        var sessionId = answer.getString("session_id");
        var view = api.get("/session/" + sessionId + "/prompts/" + answer.getString("id")).json();
        assertEquals(answer.getJsonObject("metadata"), view.getJsonObject("metadata"));
        assertFalse(api.get("/session/" + sessionId).json().containsKey("metadata"), "the prompt's, not the session's");

        // behind a running prompt, the request takes the durable queue
        var running = api.post("/query", "{\"prompt\":\"/slow 300 busy\",\"session_id\":\"" + sessionId + "\"}",
                "Prefer", "respond-async");
        assertEquals(202, running.status(), running.body());
        var queued = api.post("/query", "{\"prompt\":\"second\",\"session_id\":\"" + sessionId
                + "\",\"metadata\":{\"ticket\":\"T-2\"}}");
        assertEquals(200, queued.status(), queued.body());
        assertEquals("T-2", queued.json().getJsonObject("metadata").getString("ticket"));
        var queuedView = api.get("/session/" + sessionId + "/prompts/" + queued.json().getString("id")).json();
        assertEquals("T-2", queuedView.getJsonObject("metadata").getString("ticket"), queuedView.toString());
        assertFalse(api.get("/session/" + sessionId + "/prompts/" + running.json().getString("id")).json()
                .containsKey("metadata"), "a prompt without metadata shows none");

        var notAnObject = api.post("/query", "{\"prompt\":\"x\",\"metadata\":[1]}");
        assertEquals(400, notAnObject.status(), notAnObject.body());
        assertEquals("validation-failed", notAnObject.json().getString("code"));
        var tooLarge = api.post("/query", "{\"prompt\":\"x\",\"metadata\":{\"blob\":\"" + "x".repeat(16_400) + "\"}}");
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals("payload-too-large", tooLarge.json().getString("code"));
    }

    @Test
    void aMissingPromptIsAClearProblem() {
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
        assertEquals(404, api.post("/query", "{\"prompt\": \"x\", \"session_id\": \"" + java.util.UUID.randomUUID() + "\"}").status());
        var wrongType = api.send("POST", "/query", "text/plain", "hello");
        assertEquals(415, wrongType.status());
        assertEquals("unsupported-media-type", wrongType.json().getString("code"));
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() {
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
        var answer = server.api().query(null, "from the dev token");
        assertEquals("echo: from the dev token", answer.getString("answer"));
    }

    @Test
    void anotherUsersSessionLooksExactlyLikeAMissingOne() {
        var mine = api.query(null, "private").getString("session_id");
        var intruder = server.api("intruder");

        var asIntruder = intruder.post("/query", "{\"prompt\":\"peek\",\"session_id\":\"" + mine + "\"}");
        var missing = intruder.post("/query", "{\"prompt\":\"peek\",\"session_id\":\"" + java.util.UUID.randomUUID() + "\"}");
        assertEquals(404, asIntruder.status());
        assertEquals(404, missing.status());
        assertEquals("not-found", asIntruder.json().getString("code"));
        assertEquals(404, intruder.get("/session/" + mine).status());
        assertEquals(404, intruder.get("/session/" + mine + "/messages").status());
        assertEquals(2, api.messages(mine).size(), "the intruder's attempts left no trace");
    }

    @Test
    void respondAsyncAcceptsAtOnceAndPointsToTheResult() {
        var response = api.post("/query", "{\"prompt\":\"/slow 300 later please\"}", "Prefer", "respond-async");

        assertEquals(202, response.status());
        var accepted = response.json();
        assertNotNull(response.header("Location"));
        var location = java.net.URI.create(response.header("Location")).getPath();
        assertEquals(location, accepted.getString("result_url"));
        assertNotEquals("completed", accepted.getString("status"));
        String status;
        long deadline = System.currentTimeMillis() + 30_000;
        do {
            status = api.get(location).json().getString("status");
            RafikiServer.sleep(50);
        } while (!"completed".equals(status) && System.currentTimeMillis() < deadline);
        var done = api.get(location).json();
        assertEquals("completed", done.getString("status"));
        assertEquals("echo: later please", done.getString("answer"));
        assertEquals(accepted.getString("id"), done.getString("id"));
    }

    @Test
    void theAnswerIsThePromptAsItsViewShowsItUnderTheSameNames() {
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
        var session = api.createSession();
        // the session is busy, so the second prompt takes the durable queue and is answered from its record
        var busy = java.util.concurrent.CompletableFuture.supplyAsync(() -> api.query(session, "/slow 100 a b c d e"));
        RafikiServer.sleep(100);
        var answer = api.query(session, "queued behind");
        busy.get(30, java.util.concurrent.TimeUnit.SECONDS);
        var view = api.get("/session/" + session + "/prompts/" + answer.getString("id")).json();
        for (var member : List.of("status", "answer", "created_at", "started_at", "finished_at")) {
            assertEquals(view.get(member), answer.get(member), member);
        }
        // the durable queue announces the prompt under the same name as the fast lane does
        var queued = api.get("/session/" + session + "/events").json().getJsonArray("items").stream()
                .map(jakarta.json.JsonValue::asJsonObject)
                .filter(e -> "prompt.queued".equals(e.getString("type")) && answer.getString("id").equals(e.getString("prompt_id")))
                .findFirst().orElseThrow().getJsonObject("data");
        assertEquals(2, view.getInt("number"), view.toString());
        assertEquals(view.getInt("number"), queued.getInt("prompt_number"), queued.toString());
        assertFalse(queued.containsKey("prompt_seq"), queued.toString());
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        var unknown = api.get("/no/such/route");
        assertEquals(404, unknown.status());
        assertEquals("application/problem+json", unknown.contentType());
        var wrongMethod = api.send("PUT", "/query", "application/json", "{}");
        assertEquals(405, wrongMethod.status());
        assertEquals("method-not-allowed", wrongMethod.json().getString("code"));
        assertNull(wrongMethod.json().get("stack"));
    }
}
