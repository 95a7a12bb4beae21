package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.WsClient;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session routes as a client uses them: state, history, queue, stop, busy policies, idempotency. */
class SessionsIT {

    static RafikiServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("sessions-user");
    }

    @Test
    void createReadListAndDeleteASession() {
        var created = api.post("/session", "{\"title\":\"Trip plans\",\"metadata\":{\"team\":\"blue\",\"n\":3}}");
        assertEquals(201, created.status());
        var session = created.json();
        var id = session.getString("id");
        assertEquals("/session/" + id, java.net.URI.create(created.header("Location")).getPath());
        assertEquals("Trip plans", session.getString("title"));
        assertEquals("echo", session.getString("model"));
        assertEquals("blue", session.getJsonObject("metadata").getString("team"));
        assertEquals("idle", session.getString("status"));

        var state = api.get("/session/" + id + "/state").json();
        assertEquals(id, state.getString("id"));
        assertEquals(0, state.getInt("queue_length"));

        var lister = server.api("lister-" + System.nanoTime());
        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            ids.add(lister.createSession());
        }
        for (var order : List.of("", "&order=asc")) {
            var page1 = lister.get("/sessions?limit=2" + order).json();
            var page2 = lister.get("/sessions?limit=2" + order + "&after=" + page1.getString("next_cursor")).json();
            var page3 = lister.get("/sessions?limit=2" + order + "&after=" + page2.getString("next_cursor")).json();
            var listed = new ArrayList<String>();
            for (var page : List.of(page1, page2, page3)) {
                page.getJsonArray("items").forEach(v -> listed.add(v.asJsonObject().getString("id")));
            }
            var expected = new ArrayList<>(ids);
            if (order.isEmpty()) {
                java.util.Collections.reverse(expected);
            }
            assertEquals(expected, listed, "pages list every session once, newest first unless order=asc");
            assertFalse(page3.containsKey("next_cursor"));
        }

        assertEquals(204, api.delete("/session/" + id).status());
        assertEquals(404, api.get("/session/" + id).status());
        assertEquals(404, api.delete("/session/" + id).status());
    }

    @Test
    void invalidSessionInputIsRefusedClearly() {
        assertEquals(400, api.post("/session", "{\"model\":\"gpt-imaginary\"}").status());
        assertEquals(400, api.post("/session", "{\"metadata\":[1]}").status());
        assertEquals(400, api.post("/session", "{\"title\":7}").status());
        assertEquals(400, api.get("/sessions?limit=0").status());
        assertEquals(400, api.get("/sessions?limit=abc").status());
        assertEquals(404, api.get("/session/not-a-uuid").status());
    }

    @Test
    void sessionsAreFilteredAndTheirTitleAndMetadataChangedWithoutDisturbingTheirPrompts() {
        var owner = server.api("filter-" + System.nanoTime());
        var red = owner.post("/session", "{\"title\":\"Red one\",\"metadata\":{\"team\":\"red\",\"tier\":\"gold\"}}").json();
        var blue = owner.post("/session", "{\"title\":\"Blue one\",\"metadata\":{\"team\":\"blue\"}}").json();
        var plain = owner.post("/session", "{}").json();
        assertEquals(List.of(red.getString("id")), ids(owner.get("/sessions?metadata.team=red")));
        assertEquals(List.of(red.getString("id")), ids(owner.get("/sessions?metadata.team=red&metadata.tier=gold")));
        assertEquals(List.of(), ids(owner.get("/sessions?metadata.team=red&metadata.tier=silver")));
        assertEquals(List.of(), ids(owner.get("/sessions?metadata.team=%27%20OR%201%3D1%20--")), "a value is data, never SQL");

        // a prompt running while the session is renamed: the rename changes only what it names
        var running = submit(owner, blue.getString("id"), "/slow 200 a b c d e f g h i j k l m n o p");
        awaitRunning(owner, blue.getString("id"), running);
        assertEquals(List.of(blue.getString("id")), ids(owner.get("/sessions?status=running")));
        var renamed = owner.send("PATCH", "/session/" + blue.getString("id"), "application/json",
                "{\"title\":\"Blue, renamed\",\"metadata\":{\"team\":\"green\"}}");
        assertEquals(200, renamed.status(), renamed.body());
        assertEquals("Blue, renamed", renamed.json().getString("title"));
        assertEquals("green", renamed.json().getJsonObject("metadata").getString("team"));
        assertEquals("completed", awaitEnd(owner, blue.getString("id"), running).getString("status"));
        var after = owner.get("/session/" + blue.getString("id")).json();
        assertEquals("Blue, renamed", after.getString("title"));
        assertEquals(1, after.getInt("prompt_count"), "the prompt's counters survive the rename");
        assertEquals(2, after.getInt("message_count"));
        assertEquals(List.of(blue.getString("id")), ids(owner.get("/sessions?metadata.team=green")));
        assertEquals(List.of(plain.getString("id"), blue.getString("id"), red.getString("id")),
                ids(owner.get("/sessions?status=idle")));

        var since = owner.get("/session/" + blue.getString("id")).json().getString("updated_at");
        assertEquals(List.of(blue.getString("id")), ids(owner.get("/sessions?updated_since=" + since)));

        var cleared = owner.send("PATCH", "/session/" + red.getString("id"), "application/json", "{\"title\":null}").json();
        assertFalse(cleared.containsKey("title") && !cleared.isNull("title"), "null clears the title: " + cleared);
        assertEquals("red", cleared.getJsonObject("metadata").getString("team"), "what is not given stays");

        for (var bad : List.of("?order=sideways", "?status=asleep", "?updated_since=yesterday", "?metadata.=x")) {
            var refused = owner.get("/sessions" + bad);
            assertEquals(400, refused.status(), bad);
            assertEquals("validation-failed", refused.json().getString("code"), bad);
        }
        for (var body : List.of("{\"model\":\"other\"}", "{}", "{\"metadata\":[1]}", "{\"title\":5}", "[]")) {
            assertEquals(400, owner.send("PATCH", "/session/" + red.getString("id"), "application/json", body).status(), body);
        }
        assertEquals(404, api.send("PATCH", "/session/" + red.getString("id"), "application/json", "{\"title\":\"mine\"}").status(),
                "someone else's session is not there");
        var unchanged = owner.get("/session/" + red.getString("id")).json();
        assertTrue(!unchanged.containsKey("title") || unchanged.isNull("title"), "refused changes changed nothing: " + unchanged);
        assertEquals("red", unchanged.getJsonObject("metadata").getString("team"));
    }

    @Test
    void deletingASessionStopsItsRunningPromptAndTakesItsJobsWithIt() throws Exception {
        var subject = "deleter-" + System.nanoTime();
        var owner = server.api(subject);
        var session = owner.createSession();
        var submitted = owner.post("/submit", jakarta.json.Json.createObjectBuilder().add("session_id", session)
                .add("prompt", "/tool save_artifact {\"name\":\"kept.txt\",\"content\":\"x\"}").build().toString());
        assertEquals(202, submitted.status(), submitted.body());
        var job = submitted.json().getString("id");
        Await.until("the job to succeed", Duration.ofSeconds(60), () -> owner.get("/jobs/" + job).json().getString("status"),
                "completed"::equals);
        assertEquals(1, owner.get("/jobs/" + job + "/artifacts").json().getJsonArray("items").size());

        try (var activity = dev.rafiki.it.support.WsClient.connect(server, "/ws", server.tokenFor(subject, "user"))) {
            activity.send("{\"type\":\"subscribe\",\"scope\":\"user\"}");
            assertEquals("subscribed", activity.next(Duration.ofSeconds(10)).getString("type"));
            var running = submit(owner, session, "/slow 1000 one two three four five six seven eight nine ten eleven twelve");
            awaitRunning(owner, session, running);

            assertEquals(204, owner.delete("/session/" + session).status());
            // the run was stopped, not left going on in a session that is gone
            var ended = activity.until(f -> f.getString("type", "").startsWith("prompt.") && WsClient.terminal(f),
                    Duration.ofSeconds(20));
            var last = ended.get(ended.size() - 1);
            assertEquals("prompt.cancelled", last.getString("type"), last.toString());
            assertEquals(running, last.getJsonObject("data").getString("prompt_id"));
            assertEquals(404, owner.get("/session/" + session + "/prompts/" + running).status());
        }
        assertEquals(404, owner.get("/session/" + session).status());
        assertEquals(404, owner.get("/jobs/" + job).status(), "a job that ran in the session goes with it");
        assertEquals(404, owner.get("/jobs/" + job + "/artifacts/kept.txt").status());
        assertFalse(Files.exists(server.dataDir().resolve("workspaces").resolve(session)));
    }

    static List<String> ids(Api.Response page) {
        assertEquals(200, page.status(), page.body());
        return page.json().getJsonArray("items").stream().map(v -> v.asJsonObject().getString("id")).toList();
    }

    @Test
    void messagesArePagedWithACursor() {
        var id = api.createSession();
        for (int i = 0; i < 7; i++) {
            api.query(id, "m" + i);
        }
        var first = api.get("/session/" + id + "/messages?limit=5").json();
        assertEquals(5, first.getJsonArray("items").size());
        var rest = api.get("/session/" + id + "/messages?limit=100&after=" + first.getString("next_cursor")).json();
        assertEquals(9, rest.getJsonArray("items").size());
        assertFalse(rest.containsKey("next_cursor"));
        var all = api.messages(id);
        assertEquals(14, all.size());
        for (int i = 0; i < 7; i++) {
            assertEquals("m" + i, all.get(2 * i).getString("content"));
            assertEquals("echo: m" + i, all.get(2 * i + 1).getString("content"));
        }
        assertEquals(400, api.get("/session/" + id + "/messages?after=abc").status());

        // a chat shows the latest first and reads back as it scrolls
        var latest = api.get("/session/" + id + "/messages?order=desc&limit=4").json();
        var back = api.get("/session/" + id + "/messages?order=desc&limit=100&after=" + latest.getString("next_cursor")).json();
        var reversed = new ArrayList<String>();
        for (var page : List.of(latest, back)) {
            page.getJsonArray("items").forEach(v -> reversed.add(v.asJsonObject().getString("content")));
        }
        var forward = new ArrayList<>(all.stream().map(m -> m.getString("content")).toList());
        java.util.Collections.reverse(forward);
        assertEquals(forward, reversed);
    }

    @Test
    void theQueueShowsWaitingPromptsAndOneCanBeRemoved() {
        var id = api.createSession();
        var running = submit(id, "/slow 200 a b c d e f g h i j k l m n o p q r s t");
        awaitRunning(id, running);
        var second = submit(id, "second");
        var third = submit(id, "third");

        var queue = api.get("/session/" + id + "/queue").json();
        assertEquals(running, queue.getString("running_prompt_id"));
        var queued = queue.getJsonArray("queued");
        assertEquals(2, queued.size());
        assertEquals(second, queued.getJsonObject(0).getString("prompt_id"));
        assertEquals(1, queued.getJsonObject(0).getInt("position"));
        assertEquals(third, queued.getJsonObject(1).getString("prompt_id"));
        // not paged (the queue is bounded), but read either way: the last queued first, positions kept
        var lastFirst = api.get("/session/" + id + "/queue?order=desc").json().getJsonArray("queued");
        assertEquals(third, lastFirst.getJsonObject(0).getString("prompt_id"));
        assertEquals(2, lastFirst.getJsonObject(0).getInt("position"));
        assertEquals(second, lastFirst.getJsonObject(1).getString("prompt_id"));
        var refused = api.get("/session/" + id + "/queue?order=sideways");
        assertEquals(400, refused.status(), refused.body());
        assertEquals("validation-failed", refused.json().getString("code"));

        var removed = api.delete("/session/" + id + "/queue/" + second);
        assertEquals(200, removed.status());
        assertEquals("cancelled", removed.json().getString("status"));
        assertEquals(409, api.delete("/session/" + id + "/queue/" + running).status(), "a running prompt is not in the queue");
        assertEquals(404, api.delete("/session/" + id + "/queue/" + java.util.UUID.randomUUID()).status());

        assertEquals("completed", awaitEnd(id, third).getString("status"));
        assertEquals("cancelled", prompt(id, second).getString("status"));
        var contents = api.messages(id).stream().map(m -> m.getString("content")).toList();
        assertFalse(contents.contains("second"), "a removed prompt never ran: " + contents);
    }

    @Test
    void stopCancelsTheRunningPromptKeepsItsPartialOutputAndIsSafeToRepeat() {
        var id = api.createSession();
        var running = submit(id, "/slow 300 one two three four five six seven eight nine ten");
        var queued = submit(id, "after the stop");
        Await.until("some output", Duration.ofSeconds(20), () -> api.get("/session/" + id).json(),
                s -> running.equals(s.getString("running_prompt_id", "")));
        RafikiServer.sleep(500);

        var stop = api.post("/session/" + id + "/stop", "");
        assertEquals(200, stop.status());
        assertEquals(List.of(running), stop.json().getJsonArray("cancelled").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());
        var cancelled = awaitEnd(id, running);
        assertEquals("cancelled", cancelled.getString("status"));
        assertEquals("completed", awaitEnd(id, queued).getString("status"), "the queue goes on after a stop");
        var again = api.post("/session/" + id + "/stop", "");
        assertEquals(200, again.status(), "stopping again is harmless");
        assertEquals(0, again.json().getJsonArray("cancelled").size());
        assertEquals("cancelled", prompt(id, running).getString("status"));
        var partial = Await.until("the partial answer", Duration.ofSeconds(10), () -> api.messages(id),
                ms -> ms.stream().anyMatch(m -> m.getBoolean("partial") && running.equals(m.getString("prompt_id"))));
        var kept = partial.stream().filter(m -> m.getBoolean("partial")).findFirst().orElseThrow();
        assertTrue(kept.getString("content").startsWith("echo: one"), kept.toString());
        assertFalse(kept.getString("content").contains("ten"), "stopped before the end: " + kept);
    }

    @Test
    void stopWithClearQueueCancelsEverythingPending() {
        var id = api.createSession();
        var running = submit(id, "/slow 500 a b c d e f g h");
        var queued = List.of(submit(id, "q1"), submit(id, "q2"));
        awaitRunning(id, running);
        var stop = api.post("/session/" + id + "/stop?clear_queue=true", "").json();
        assertEquals(3, stop.getJsonArray("cancelled").size());
        for (var p : queued) {
            assertEquals("cancelled", awaitEnd(id, p).getString("status"));
        }
        assertEquals("stopped", Await.until("stopped", Duration.ofSeconds(10), () -> api.get("/session/" + id).json(),
                s -> !"running".equals(s.getString("status"))).getString("status"));
    }

    @Test
    void busyRejectRefusesWithTheRunningPrompt() {
        var id = api.createSession();
        var running = submit(id, "/slow 500 a b c d e f g h i j");
        awaitRunning(id, running);
        var refused = api.post("/query", "{\"prompt\":\"now!\",\"session_id\":\"" + id + "\",\"busy\":\"reject\"}");
        assertEquals(409, refused.status());
        assertEquals("session-busy", refused.json().getString("code"));
        assertEquals(running, refused.json().getString("running_prompt_id"));
        assertEquals(1, api.get("/session/" + id).json().getInt("prompt_count"), "a rejected prompt is not stored");
        api.post("/session/" + id + "/stop", "");
    }

    @Test
    void busyInterruptCancelsTheRunningPromptThenRuns() {
        var id = api.createSession();
        var running = submit(id, "/slow 500 a b c d e f g h i j");
        awaitRunning(id, running);
        var answer = api.post("/query", "{\"prompt\":\"urgent\",\"session_id\":\"" + id + "\",\"busy\":\"interrupt\"}");
        assertEquals(200, answer.status(), answer.body());
        assertEquals("echo: urgent", answer.json().getString("answer"));
        var interrupted = prompt(id, running);
        assertEquals("cancelled", interrupted.getString("status"));
        assertEquals("interrupted", interrupted.getJsonObject("error").getString("code"));
    }

    @Test
    void busyEnqueueWaitsItsTurn() {
        var id = api.createSession();
        var running = submit(id, "/slow 50 a b c d");
        var answer = api.post("/query", "{\"prompt\":\"patient\",\"session_id\":\"" + id + "\",\"busy\":\"enqueue\"}").json();
        assertEquals("echo: patient", answer.getString("answer"));
        var first = prompt(id, running);
        assertEquals("completed", first.getString("status"));
        assertTrue(first.getString("finished_at").compareTo(answer.getString("started_at")) <= 0,
                "the second prompt started after the first finished");
    }

    @Test
    void anIdempotentRetryReturnsTheSamePromptAndNeverRunsItTwice() throws Exception {
        var id = api.createSession();
        var key = "retry-" + System.nanoTime();
        var body = "{\"prompt\":\"exactly once\",\"session_id\":\"" + id + "\"}";
        var futures = new ArrayList<CompletableFuture<dev.rafiki.it.support.Api.Response>>();
        for (int i = 0; i < 8; i++) {
            futures.add(api.postAsync("/query", body, "Idempotency-Key", key));
        }
        var promptIds = new HashSet<String>();
        for (var future : futures) {
            var response = future.get();
            assertEquals(200, response.status(), response.body());
            promptIds.add(response.json().getString("id"));
        }
        assertEquals(1, promptIds.size(), "all retries name one prompt");
        var later = api.post("/query", body, "Idempotency-Key", key);
        assertEquals("true", later.header("Idempotent-Replayed"));
        assertEquals(promptIds.iterator().next(), later.json().getString("id"));
        assertEquals(2, api.messages(id).size(), "ran once");

        var conflict = api.post("/query", "{\"prompt\":\"something else\",\"session_id\":\"" + id + "\"}", "Idempotency-Key", key);
        assertEquals(409, conflict.status());
        assertEquals("idempotency-key-reused", conflict.json().getString("code"));

        var otherUser = server.api("someone-else").post("/query", "{\"prompt\":\"exactly once\"}", "Idempotency-Key", key);
        assertEquals(200, otherUser.status(), "keys are per user");
        assertNotEquals(promptIds.iterator().next(), otherUser.json().getString("id"));
    }

    private static String submit(String sessionId, String prompt) {
        return submit(api, sessionId, prompt);
    }

    private static String submit(Api as, String sessionId, String prompt) {
        var body = jakarta.json.Json.createObjectBuilder().add("prompt", prompt).add("session_id", sessionId).build();
        var response = as.post("/query", body.toString(), "Prefer", "respond-async");
        assertEquals(202, response.status(), response.body());
        return response.json().getString("id");
    }

    private static JsonObject prompt(String sessionId, String promptId) {
        return prompt(api, sessionId, promptId);
    }

    private static JsonObject prompt(Api as, String sessionId, String promptId) {
        var response = as.get("/session/" + sessionId + "/prompts/" + promptId);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    private static void awaitRunning(String sessionId, String promptId) {
        awaitRunning(api, sessionId, promptId);
    }

    private static void awaitRunning(Api as, String sessionId, String promptId) {
        Await.until("prompt " + promptId + " running", Duration.ofSeconds(20), () -> prompt(as, sessionId, promptId),
                p -> "running".equals(p.getString("status")));
    }

    private static JsonObject awaitEnd(String sessionId, String promptId) {
        return awaitEnd(api, sessionId, promptId);
    }

    private static JsonObject awaitEnd(Api as, String sessionId, String promptId) {
        return Await.until("prompt " + promptId + " to end", Duration.ofSeconds(30), () -> prompt(as, sessionId, promptId),
                p -> List.of("completed", "failed", "cancelled").contains(p.getString("status")));
    }
}
