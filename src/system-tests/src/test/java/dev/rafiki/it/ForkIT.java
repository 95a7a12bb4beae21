package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.ForkRequest;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.SessionChanges;
import dev.rafiki.client.SessionFilter;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code POST /session/{id}/fork}: a new session with a history up to a message and a copy of the
 * workspace. Through the Java client; raw {@link Api} calls remain only where the wire itself is
 * tested (the 201's Location, the refusals' problem+json).
 */
class ForkIT {

    static Api api;
    static Api other;
    static RafikiClient rafiki;
    static RafikiClient otherClient;

    @BeforeAll
    static void start() {
        var server = SharedServer.get();
        api = server.api("fork-user");
        other = server.api("fork-other");
        rafiki = server.client("fork-user");
        otherClient = server.client("fork-other");
    }

    @AfterAll
    static void stop() {
        rafiki.close();
        otherClient.close();
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    /** The refusal as the client reports it: its status and the problem's code. */
    static void assertRefused(Executable call, int status, String code) {
        var refused = assertThrows(RafikiException.class, call);
        assertEquals(status, refused.status(), refused.getMessage());
        assertEquals(code, refused.code(), refused.getMessage());
    }

    /** A session of three prompts, the first writing a file: user, call, result, answer, then two plain turns. */
    static UUID conversation() {
        var sessionId = rafiki.query("/tool write_file {\"path\":\"notes.txt\",\"content\":\"first draft\"}").sessionId();
        rafiki.query(QueryRequest.of("second").inSession(sessionId));
        rafiki.query(QueryRequest.of("third").inSession(sessionId));
        assertEquals(8, rafiki.sessions().messages(sessionId).size());
        return sessionId;
    }

    static String file(UUID sessionId, String path) throws Exception {
        var target = Files.createTempDirectory("fork-it").resolve("file");
        return Files.readString(rafiki.files().download(sessionId, path, target).path());
    }

    static String answer(UUID sessionId, String prompt) {
        return rafiki.query(QueryRequest.of(prompt).inSession(sessionId)).answer();
    }

    @Test
    void aForkCarriesTheHistoryUpToTheMessageAndACopyOfTheFiles() throws Exception {
        var source = conversation();
        var history = rafiki.sessions().messages(source);
        var cut = history.get(5); // the answer to "second"
        assertEquals("echo: second", cut.content());

        var fork = rafiki.sessions().fork(source, ForkRequest.atMessage(cut.id()).titled("try again"));
        var forkId = fork.id();
        assertNotEquals(source, forkId);
        assertEquals("try again", fork.title());
        assertEquals("echo", fork.model());
        assertEquals(source, fork.forkedFrom().sessionId());
        assertEquals(cut.id(), fork.forkedFrom().messageId());
        assertEquals(6, fork.messageCount());
        assertEquals(2, fork.promptCount());
        assertEquals("idle", fork.status());
        assertEquals(fork, rafiki.sessions().get(forkId), "the origin is kept with the session");
        assertNull(rafiki.sessions().get(source).forkedFrom());

        // raw: the 201 and its Location header are the wire
        var located = api.post("/session/" + source + "/fork", "{}");
        assertEquals(201, located.status(), located.body());
        assertTrue(located.header("Location").endsWith("/session/" + located.json().getString("id")), located.header("Location"));

        var copied = rafiki.sessions().messages(forkId);
        assertEquals(6, copied.size());
        for (int i = 0; i < copied.size(); i++) {
            assertEquals(history.get(i).role(), copied.get(i).role());
            assertEquals(history.get(i).content(), copied.get(i).content());
            assertNotEquals(history.get(i).id(), copied.get(i).id());
        }
        assertEquals(history.get(1).toolCalls(), copied.get(1).toolCalls());

        // the model sees the copied history, and the files are the fork's own
        assertEquals("echo: context of 7 messages, 0 earlier omitted", answer(forkId, "/context"));
        assertEquals("first draft", file(forkId, "notes.txt"));
        answer(forkId, "/tool write_file {\"path\":\"notes.txt\",\"content\":\"second draft\"}");
        assertEquals("second draft", file(forkId, "notes.txt"));
        assertEquals("first draft", file(source, "notes.txt"), "the source's files are not the fork's");
        assertEquals(8, rafiki.sessions().messages(source).size(), "the source is unchanged");
    }

    @Test
    void withoutAMessageTheWholeHistoryIsCopiedWithTheSourcesTitleAndMetadata() {
        var source = conversation();
        rafiki.sessions().update(source, SessionChanges.create().title("original")
                .metadata(Json.createObjectBuilder().add("team", "a").build()));
        var fork = rafiki.sessions().fork(source, ForkRequest.all());
        assertEquals("original", fork.title());
        assertEquals(Json.createObjectBuilder().add("team", "a").build(), fork.metadata());
        var history = rafiki.sessions().messages(source);
        assertEquals(history.get(7).id(), fork.forkedFrom().messageId());
        assertEquals(8, rafiki.sessions().messages(fork.id()).size());
        assertEquals(3, fork.promptCount());
    }

    @Test
    void aForkCannotEndBetweenAToolCallAndItsResult() {
        var source = conversation();
        var call = rafiki.sessions().messages(source).get(1);
        assertFalse(call.toolCalls().isEmpty());
        assertRefused(() -> rafiki.sessions().fork(source, ForkRequest.atMessage(call.id())), 400, "validation-failed");
        // at its result it may
        var result = rafiki.sessions().messages(source).get(2);
        assertEquals(3, rafiki.sessions().fork(source, ForkRequest.atMessage(result.id())).messageCount());
    }

    @Test
    void refusalsKeepTheirShape() {
        var source = conversation();
        var elsewhere = rafiki.sessions().messages(conversation()).get(0).id();
        // raw: the shape of each refusal (status, problem+json, code) is the point, and some bodies
        // (a message that is no number, a model) cannot be built through the typed request
        assertProblem(api.post("/session/" + source + "/fork", "{\"at_message_id\":" + elsewhere + "}"), 404, "not-found");
        assertProblem(api.post("/session/" + source + "/fork", "{\"at_message_id\":\"last\"}"), 400, "validation-failed");
        assertProblem(api.post("/session/" + source + "/fork", "{\"model\":\"openai/gpt-4o\"}"), 400, "validation-failed");
        assertProblem(other.post("/session/" + source + "/fork", "{}"), 404, "not-found");
        assertProblem(api.post("/session/00000000-0000-0000-0000-000000000000/fork", "{}"), 404, "not-found");
        assertEquals(List.of(), otherClient.sessions().stream(SessionFilter.all()).toList(), "the other user got no session");
    }

    @Test
    void aSessionWithAPromptUnderWayIsNotForked() {
        var source = conversation();
        var running = CompletableFuture.supplyAsync(
                () -> rafiki.query(QueryRequest.of("/slow 200 " + "word ".repeat(100)).inSession(source)));
        Await.until("the slow prompt to run", Duration.ofSeconds(30),
                () -> rafiki.sessions().get(source).status(), "running"::equals);
        assertRefused(() -> rafiki.sessions().fork(source, ForkRequest.all()), 409, "session-busy");
        rafiki.sessions().stop(source, false);
        running.join();
        Await.until("the session to stop", Duration.ofSeconds(30),
                () -> rafiki.sessions().get(source).status(), s -> !s.equals("running"));
        assertEquals(source, rafiki.sessions().fork(source, ForkRequest.all()).forkedFrom().sessionId());
    }
}
