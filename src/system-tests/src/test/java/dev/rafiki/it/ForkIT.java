package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /session/{id}/fork}: a new session with a history up to a message and a copy of the workspace. */
class ForkIT {

    static Api api;
    static Api other;

    @BeforeAll
    static void start() {
        var server = SharedServer.get();
        api = server.api("fork-user");
        other = server.api("fork-other");
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    /** A session of three prompts, the first writing a file: user, call, result, answer, then two plain turns. */
    static String conversation() {
        var sessionId = api.query(null, "/tool write_file {\"path\":\"notes.txt\",\"content\":\"first draft\"}")
                .getString("session_id");
        api.query(sessionId, "second");
        api.query(sessionId, "third");
        assertEquals(8, api.messages(sessionId).size());
        return sessionId;
    }

    static String file(String sessionId, String path) {
        var response = api.get("/session/" + sessionId + "/files/" + path);
        assertEquals(200, response.status(), response.body());
        return response.body();
    }

    @Test
    void aForkCarriesTheHistoryUpToTheMessageAndACopyOfTheFiles() {
        var source = conversation();
        var history = api.messages(source);
        var cut = history.get(5); // the answer to "second"
        assertEquals("echo: second", cut.getString("content"));

        var response = api.post("/session/" + source + "/fork", Json.createObjectBuilder()
                .add("at_message_id", cut.getJsonNumber("id").longValue()).add("title", "try again").build().toString());
        assertEquals(201, response.status(), response.body());
        var fork = response.json();
        var forkId = fork.getString("id");
        assertNotEquals(source, forkId);
        assertTrue(response.header("Location").endsWith("/session/" + forkId), response.header("Location"));
        assertEquals("try again", fork.getString("title"));
        assertEquals("echo", fork.getString("model"));
        assertEquals(source, fork.getJsonObject("forked_from").getString("session_id"));
        assertEquals(cut.getJsonNumber("id").longValue(), fork.getJsonObject("forked_from").getJsonNumber("message_id").longValue());
        assertEquals(6, fork.getInt("message_count"));
        assertEquals(2, fork.getInt("prompt_count"));
        assertEquals("idle", fork.getString("status"));
        assertEquals(fork, api.get("/session/" + forkId).json(), "the origin is kept with the session");
        assertFalse(api.get("/session/" + source).json().containsKey("forked_from"));

        var copied = api.messages(forkId);
        assertEquals(6, copied.size());
        for (int i = 0; i < copied.size(); i++) {
            assertEquals(history.get(i).getString("role"), copied.get(i).getString("role"));
            assertEquals(history.get(i).getString("content"), copied.get(i).getString("content"));
            assertNotEquals(history.get(i).getJsonNumber("id"), copied.get(i).getJsonNumber("id"));
        }
        assertEquals(history.get(1).getJsonArray("tool_calls"), copied.get(1).getJsonArray("tool_calls"));

        // the model sees the copied history, and the files are the fork's own
        assertEquals("echo: context of 7 messages, 0 earlier omitted", api.query(forkId, "/context").getString("answer"));
        assertEquals("first draft", file(forkId, "notes.txt"));
        api.query(forkId, "/tool write_file {\"path\":\"notes.txt\",\"content\":\"second draft\"}");
        assertEquals("second draft", file(forkId, "notes.txt"));
        assertEquals("first draft", file(source, "notes.txt"), "the source's files are not the fork's");
        assertEquals(8, api.messages(source).size(), "the source is unchanged");
    }

    @Test
    void withoutAMessageTheWholeHistoryIsCopiedWithTheSourcesTitleAndMetadata() {
        var source = conversation();
        assertEquals(200, api.send("PATCH", "/session/" + source, "application/json",
                "{\"title\":\"original\",\"metadata\":{\"team\":\"a\"}}").status());
        var fork = api.post("/session/" + source + "/fork", "{}").json();
        assertEquals("original", fork.getString("title"));
        assertEquals(Json.createObjectBuilder().add("team", "a").build(), fork.getJsonObject("metadata"));
        var history = api.messages(source);
        assertEquals(history.get(7).getJsonNumber("id"), fork.getJsonObject("forked_from").getJsonNumber("message_id"));
        assertEquals(8, api.messages(fork.getString("id")).size());
        assertEquals(3, fork.getInt("prompt_count"));
    }

    @Test
    void aForkCannotEndBetweenAToolCallAndItsResult() {
        var source = conversation();
        var call = api.messages(source).get(1);
        assertFalse(call.getJsonArray("tool_calls").isEmpty());
        assertProblem(api.post("/session/" + source + "/fork", "{\"at_message_id\":" + call.getJsonNumber("id") + "}"),
                400, "validation-failed");
        // at its result it may
        var result = api.messages(source).get(2);
        var fork = api.post("/session/" + source + "/fork", "{\"at_message_id\":" + result.getJsonNumber("id") + "}");
        assertEquals(201, fork.status(), fork.body());
        assertEquals(3, fork.json().getInt("message_count"));
    }

    @Test
    void refusalsKeepTheirShape() {
        var source = conversation();
        var elsewhere = api.messages(conversation()).get(0).getJsonNumber("id");
        assertProblem(api.post("/session/" + source + "/fork", "{\"at_message_id\":" + elsewhere + "}"), 404, "not-found");
        assertProblem(api.post("/session/" + source + "/fork", "{\"at_message_id\":\"last\"}"), 400, "validation-failed");
        assertProblem(api.post("/session/" + source + "/fork", "{\"model\":\"openai/gpt-4o\"}"), 400, "validation-failed");
        assertProblem(other.post("/session/" + source + "/fork", "{}"), 404, "not-found");
        assertProblem(api.post("/session/00000000-0000-0000-0000-000000000000/fork", "{}"), 404, "not-found");
        assertEquals(List.of(), other.pages("/sessions", 50), "the other user got no session");
    }

    @Test
    void aSessionWithAPromptUnderWayIsNotForked() {
        var source = conversation();
        var running = api.postAsync("/query", Json.createObjectBuilder().add("session_id", source)
                .add("prompt", "/slow 200 " + "word ".repeat(100)).build().toString());
        Await.until("the slow prompt to run", Duration.ofSeconds(30),
                () -> api.get("/session/" + source).json().getString("status"), "running"::equals);
        assertProblem(api.post("/session/" + source + "/fork", "{}"), 409, "session-busy");
        assertEquals(200, api.post("/session/" + source + "/stop", "{}").status());
        running.join();
        Await.until("the session to stop", Duration.ofSeconds(30),
                () -> api.get("/session/" + source).json().getString("status"), s -> !s.equals("running"));
        assertEquals(201, api.post("/session/" + source + "/fork", "{}").status());
    }
}
