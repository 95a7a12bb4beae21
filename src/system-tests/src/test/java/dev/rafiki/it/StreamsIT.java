package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live streams through the real server: /query_stream, /ws and /events, resumption from cursors. */
class StreamsIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static RafikiServer server;
    static Api api;
    static String token;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        token = server.tokenFor("streams-user", "user");
        api = new Api(server.base(), token);
    }

    static String prompt(String text, String sessionId) {
        var body = Json.createObjectBuilder().add("prompt", text);
        if (sessionId != null) {
            body.add("session_id", sessionId);
        }
        return body.build().toString();
    }

    /** {@code count} new /ws clients subscribed to the session, added to {@code clients} (closed by the caller). */
    static void subscribe(List<WsClient> clients, String sessionId, int count) {
        int first = clients.size();
        for (int i = 0; i < count; i++) {
            var ws = WsClient.connect(server, "/ws", token);
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\"}");
            clients.add(ws);
        }
        for (var ws : clients.subList(first, clients.size())) {
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
        }
    }

    static List<Long> seqs(List<JsonObject> frames) {
        return frames.stream().filter(f -> f.containsKey("seq")).map(f -> f.getJsonNumber("seq").longValue()).toList();
    }

    static String deltas(List<JsonObject> frames) {
        return frames.stream().filter(f -> "message.delta".equals(f.getString("type")))
                .map(f -> f.getJsonObject("data").getString("text")).collect(Collectors.joining());
    }

    static void assertContiguous(List<Long> seqs, long first) {
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(first + i, seqs.get(i), "sequence numbers " + seqs);
        }
    }

    @Test
    void queryStreamDeliversThePromptsEventsInOrderUpToItsEnd() {
        try (var ws = WsClient.connect(server, "/query_stream", token)) {
            ws.send(prompt("/slow 20 streamed word by word", null));
            var accepted = ws.next(WAIT);
            assertEquals("accepted", accepted.getString("type"));
            var frames = ws.until(WsClient::terminal, WAIT);

            var types = frames.stream().map(f -> f.getString("type")).toList();
            assertEquals("prompt.queued", types.get(0));
            assertEquals("prompt.started", types.get(1));
            assertEquals("message.completed", types.get(types.size() - 2));
            assertEquals("prompt.completed", types.get(types.size() - 1));
            assertContiguous(seqs(frames), 1);
            // the prompt's number is never called seq: that name is the events' cursor alone
            assertEquals(1, accepted.getInt("prompt_number"), accepted.toString());
            assertFalse(accepted.containsKey("prompt_seq"), accepted.toString());
            assertEquals(1, frames.get(0).getJsonObject("data").getInt("prompt_number"), frames.get(0).toString());
            var view = api.get("/session/" + accepted.getString("session_id") + "/prompts/"
                    + accepted.getString("prompt_id")).json();
            assertEquals(1, view.getInt("number"), view.toString());
            assertFalse(view.containsKey("seq"), view.toString());
            var answer = view.getString("answer");
            assertEquals("echo: streamed word by word", answer);
            assertEquals(answer, deltas(frames), "the deltas make up the answer, in order");
        }
    }

    @Test
    void aPromptFrameTakesMetadataLikePostQuery() {
        try (var ws = WsClient.connect(server, "/query_stream", token)) {
            ws.send("{\"prompt\":\"tagged frame\",\"metadata\":{\"source\":\"ws\"}}");
            var accepted = ws.next(WAIT);
            assertEquals("accepted", accepted.getString("type"), accepted.toString());
            ws.until(WsClient::terminal, WAIT);
            var view = api.get("/session/" + accepted.getString("session_id") + "/prompts/"
                    + accepted.getString("prompt_id")).json();
            assertEquals("ws", view.getJsonObject("metadata").getString("source"), view.toString());

            ws.send("{\"prompt\":\"x\",\"metadata\":\"not an object\"}");
            var refused = ws.next(WAIT);
            assertEquals("error", refused.getString("type"), refused.toString());
            assertEquals("validation-failed", refused.getString("code"));
        }
    }

    @Test
    void concurrentStreamsEachGetTheirOwnTokensInOrder() throws Exception {
        var futures = new ArrayList<CompletableFuture<Void>>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            futures.add(CompletableFuture.runAsync(() -> {
                try (var ws = WsClient.connect(server, "/query_stream", token)) {
                    var words = "client " + n + " says one two three four five";
                    ws.send(prompt("/slow 10 " + words, null));
                    ws.next(WAIT);
                    var frames = ws.until(WsClient::terminal, WAIT);
                    assertEquals("echo: " + words, deltas(frames));
                    assertEquals("prompt.completed", frames.get(frames.size() - 1).getString("type"));
                }
            }));
        }
        for (var future : futures) {
            future.get();
        }
    }

    @Test
    void aSubscriberThatLosesItsConnectionResumesWithoutGapOrRepeat() {
        var sessionId = api.createSession();
        var accepted = api.post("/query", prompt("/slow 150 one two three four five six seven eight", sessionId),
                "Prefer", "respond-async");
        assertEquals(202, accepted.status());
        var seen = new ArrayList<JsonObject>();
        try (var ws = WsClient.connect(server, "/ws", token)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
            for (int i = 0; i < 4; i++) {
                seen.add(ws.next(WAIT));
            }
            ws.abort();
        }
        long cursor = seen.get(seen.size() - 1).getJsonNumber("seq").longValue();
        try (var ws = WsClient.connect(server, "/ws", token)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":" + cursor + "}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
            seen.addAll(ws.until(WsClient::terminal, WAIT));
        }
        assertContiguous(seqs(seen), 1);
        var logged = api.get("/session/" + sessionId + "/events?limit=1000").json().getJsonArray("items");
        assertEquals(logged.size(), seen.size(), "exactly the logged events, each once");
        assertEquals("echo: one two three four five six seven eight", deltas(seen));
    }

    /** GET /events with an upgrade is /ws under another name: the same frames, cursors and refusals. */
    @Test
    void theEventsRouteAnswersAWebSocketUpgradeLikeWs() throws Exception {
        var sessionId = api.createSession();
        assertEquals(200, api.post("/query", prompt("alias", sessionId)).status());
        List<JsonObject> viaWs;
        try (var ws = WsClient.connect(server, "/ws", token)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
            viaWs = ws.until(WsClient::terminal, WAIT);
        }
        try (var events = WsClient.connect(server, "/events", token)) {
            events.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", events.next(WAIT).getString("type"));
            var viaEvents = events.until(WsClient::terminal, WAIT);
            assertEquals(seqs(viaWs), seqs(viaEvents));
            assertEquals("echo: alias", deltas(viaEvents));
            events.send("{\"type\":\"subscribe\",\"session_id\":\"not-a-uuid\"}");
            assertEquals("error", events.next(WAIT).getString("type"));
        }
        var anonymous = WsClient.handshake(server, "/events", null);
        assertEquals(401, anonymous.status());
        assertEquals("unauthorized", anonymous.json().getString("code"));
        // without an upgrade, /events is still the Server-Sent Events stream
        var sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/events?session_id=" + sessionId
                + "&after=0")).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, sse.statusCode());
        assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        sse.body().close();
    }

    @Test
    void sseResumesAfterLastEventId() throws Exception {
        var first = api.query(null, "/slow 5 a b c d");
        var sessionId = first.getString("session_id");
        var request = HttpRequest.newBuilder(server.base().resolve("/events?session_id=" + sessionId))
                .header("Authorization", "Bearer " + token).header("Last-Event-ID", "3").build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        var ids = new ArrayList<Long>();
        var types = new ArrayList<String>();
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    ids.add(Long.parseLong(line.substring(3).strip()));
                } else if (line.startsWith("event:")) {
                    types.add(line.substring(6).strip());
                } else if (line.isEmpty() && !types.isEmpty() && types.get(types.size() - 1).equals("prompt.completed")) {
                    break; // the end of the terminal event
                }
            }
        }
        // the stream opens with the cursor it starts after, an id without data (no event)
        assertEquals(3L, ids.remove(0));
        assertContiguous(ids, 4);
        assertEquals("prompt.completed", types.get(types.size() - 1));
        var all = api.get("/session/" + sessionId + "/events").json().getJsonArray("items");
        assertEquals(all.size(), ids.get(ids.size() - 1), "every later event once, up to the last");
    }

    @Test
    void aUserSubscriptionSeesEverySessionOfTheUserInOrder() {
        var owner = "user-stream-" + System.nanoTime();
        var userToken = server.tokenFor(owner, "user");
        var userApi = new Api(server.base(), userToken);
        try (var ws = WsClient.connect(server, "/ws", userToken)) {
            ws.send("{\"type\":\"subscribe\",\"scope\":\"user\",\"after\":0}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
            var a = userApi.query(null, "first session").getString("session_id");
            var b = userApi.query(null, "second session").getString("session_id");
            var frames = new ArrayList<JsonObject>();
            while (frames.stream().filter(WsClient::terminal).count() < 2) {
                frames.add(ws.next(WAIT));
            }
            var userSeqs = frames.stream().map(f -> f.getJsonNumber("user_seq").longValue()).toList();
            assertContiguous(userSeqs, 1);
            var sessions = frames.stream().map(f -> f.getString("session_id")).collect(Collectors.toSet());
            assertEquals(new HashSet<>(List.of(a, b)), sessions);
            assertTrue(frames.stream().allMatch(f -> "user".equals(f.getString("stream"))));
        }
    }

    @Test
    void aPromptCanBeReattachedAndCancelledFromTheStream() {
        String promptId;
        try (var ws = WsClient.connect(server, "/query_stream", token)) {
            ws.send(prompt("/slow 200 a b c d e f g h i j k l m n o p", null));
            promptId = ws.next(WAIT).getString("prompt_id");
            ws.abort(); // a disconnect does not cancel the prompt
        }
        try (var ws = WsClient.connect(server, "/query_stream", token)) {
            ws.send("{\"type\":\"attach\",\"prompt_id\":\"" + promptId + "\"}");
            var start = ws.until(f -> "message.delta".equals(f.getString("type")), WAIT);
            assertEquals("prompt.queued", start.get(0).getString("type"), "attach replays from the prompt's start");
            ws.send("{\"type\":\"cancel\"}");
            var rest = ws.until(WsClient::terminal, WAIT);
            assertEquals("prompt.cancelled", rest.get(rest.size() - 1).getString("type"));
        }
    }

    @Test
    void aBadAfterIsRefusedNotReadAsLeftOut() {
        var done = api.query(null, "a prompt to attach to");
        try (var ws = WsClient.connect(server, "/ws", token)) {
            for (var bad : List.of("\"5\"", "-1", "2.5")) {
                ws.send("{\"type\":\"subscribe\",\"scope\":\"user\",\"after\":" + bad + "}");
                var refused = ws.next(WAIT);
                assertEquals("error", refused.getString("type"), bad + ": " + refused);
                assertEquals("validation-failed", refused.getString("code"), bad + ": " + refused);
            }
            // null is as good as left out: from now
            ws.send("{\"type\":\"subscribe\",\"scope\":\"user\",\"after\":null}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
        }
        try (var ws = WsClient.connect(server, "/query_stream", token)) {
            ws.send("{\"type\":\"attach\",\"prompt_id\":\"" + done.getString("id") + "\",\"after\":\"0\"}");
            var refused = ws.next(WAIT);
            assertEquals("validation-failed", refused.getString("code"), refused.toString());
            ws.send("{\"type\":\"attach\",\"prompt_id\":\"" + done.getString("id") + "\"}");
            var all = ws.until(WsClient::terminal, WAIT);
            assertEquals("prompt.queued", all.get(0).getString("type"), "left out: from the prompt's first event");
        }
    }

    @Test
    void streamsOfOtherUsersAreRefused() throws Exception {
        var mine = api.createSession();
        var intruderToken = server.tokenFor("stream-intruder", "user");
        jakarta.json.JsonObject error;
        try (var ws = WsClient.connect(server, "/ws", intruderToken)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + mine + "\",\"after\":0}");
            error = ws.next(WAIT);
            assertEquals("error", error.getString("type"));
            assertEquals("not-found", error.getString("code"));
        }
        var sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/events?session_id=" + mine))
                .header("Authorization", "Bearer " + intruderToken).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, sse.statusCode());
        assertEquals("application/problem+json", sse.headers().firstValue("Content-Type").orElse(""));
        // the frame and the problem are one shape: a client reads both with one type
        var problem = jakarta.json.Json.createReader(new java.io.StringReader(sse.body())).readObject();
        for (var member : List.of("code", "title")) {
            assertEquals(problem.getString(member), error.getString(member), member);
        }
        assertEquals(problem.getInt("status"), error.getInt("status"));
        assertTrue(error.getString("detail").contains(mine), error.toString());
        // refused before the upgrade, as any HTTP route refuses a request without a valid token
        for (var path : List.of("/ws", "/query_stream", "/ws?access_token=forged." + token.substring(10))) {
            var anonymous = WsClient.handshake(server, path, null);
            assertEquals(401, anonymous.status(), path);
            assertEquals("unauthorized", anonymous.json().getString("code"), path);
        }
        var sseAnonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/events")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, sseAnonymous.statusCode());
        assertThrows(Exception.class, () -> WsClient.connect(server, "/ws", token, "Origin", "https://evil.example"),
                "a browser page from an origin not allowed");
        try (var allowed = WsClient.connect(server, "/ws", token, "Origin", "https://app.example")) {
            allowed.send("{\"type\":\"subscribe\",\"scope\":\"user\"}");
            assertEquals("subscribed", allowed.next(WAIT).getString("type"));
        }
        assertThrows(Exception.class, () -> WsClient.connect(server, "/query_stream", "not-a-token"),
                "an invalid Authorization header is refused on the handshake");
    }

    @Test
    void othersGetEverythingWhileASubscriberIsStuck() throws Exception {
        var sessionId = api.createSession();
        var word = "x".repeat(900);
        var big = new StringBuilder("/slow 0");
        for (int i = 0; i < 100; i++) {
            big.append(' ').append(word);
        }
        try (var fast = WsClient.connect(server, "/ws", token);
             var stuck = new dev.rafiki.it.support.StalledWebSocket(server.base().getPort(), "/ws", token)) {
            fast.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", fast.next(WAIT).getString("type"));
            stuck.sendText("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            var received = new ArrayList<Long>();
            int rounds = 20;
            for (int r = 0; r < rounds; r++) {
                var answer = api.query(sessionId, big.toString());
                assertEquals("completed", answer.getString("status"));
                while (true) {
                    var frame = fast.next(WAIT);
                    received.add(frame.getJsonNumber("seq").longValue());
                    if (WsClient.terminal(frame)) {
                        break;
                    }
                }
            }
            assertContiguous(received, 1);
            // the stuck client only costs its own buffers; it is cut off once those are full, which on
            // Linux loopback takes tens of megabytes of socket and container buffers: not waited for here
        }
    }

    @Test
    void subscribersThatLeaveLeaveNoUncaughtExceptionBehind() throws Exception {
        // Payara's write callback of a closed WebSocket threw an uncaught NullPointerException on one
        // of its async threads for nearly every socket that had been written to (docs/platform-notes.md)
        long logged = java.nio.file.Files.size(server.log());
        var sessionId = api.createSession();
        var clients = new ArrayList<WsClient>();
        try {
            subscribe(clients, sessionId, 40);
            api.query(sessionId, "three prompts, one");
            api.query(sessionId, "three prompts, two");
            api.query(sessionId, "three prompts, three");
            for (var ws : clients) {
                for (int p = 0; p < 3; p++) {
                    ws.until(WsClient::terminal, WAIT);
                }
            }
        } finally {
            for (int i = 0; i < clients.size(); i++) {
                if (i % 2 == 0) {
                    clients.get(i).close();
                } else {
                    clients.get(i).abort(); // a client that vanishes without a close frame
                }
            }
        }
        // the server's health after the closes: the callbacks ran on the server's threads by now
        Thread.sleep(2_000);
        assertEquals(200, api.get("/session/" + sessionId).status());
        var since = server.logSince(logged);
        assertFalse(since.contains("Exception in thread"), "an uncaught exception after the subscribers left:\n"
                + since.lines().filter(l -> l.contains("Exception in thread")).limit(3).collect(Collectors.joining("\n")));
    }

    @Test
    void twoHundredSubscribersOfOneSessionEachReceiveEveryEvent() throws Exception {
        var sessionId = api.createSession();
        var clients = new ArrayList<WsClient>();
        try {
            subscribe(clients, sessionId, 200);
            api.query(sessionId, "/slow 5 one two three");
            long expected = api.get("/session/" + sessionId + "/events").json().getJsonArray("items").size();
            for (var ws : clients) {
                var frames = ws.until(WsClient::terminal, WAIT);
                assertEquals(expected, frames.size());
                assertContiguous(seqs(frames), 1);
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aBacklogLargerThanTheBufferIsReplayedInFull() {
        var sessionId = api.createSession();
        for (int i = 0; i < 20; i++) {
            api.query(sessionId, "backlog " + i);
        }
        long logged = api.get("/session/" + sessionId + "/events?limit=1000").json().getJsonArray("items").size();
        assertTrue(logged > 80, "more events than a subscriber's buffer of 40: " + logged);
        try (var ws = WsClient.connect(server, "/ws", token)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
            var frames = new ArrayList<JsonObject>();
            while (frames.size() < logged) {
                frames.add(ws.next(WAIT));
            }
            assertContiguous(seqs(frames), 1);
        }
    }

    @Test
    void browsersPassTheTokenAsAParameter() throws Exception {
        try (var ws = WsClient.connect(server, "/query_stream?access_token=" + token, null)) {
            ws.send(prompt("from a browser", null));
            assertEquals("accepted", ws.next(WAIT).getString("type"));
            var frames = ws.until(WsClient::terminal, WAIT);
            assertEquals("echo: from a browser", deltas(frames));
        }
        var sessionId = api.query(null, "seen by EventSource").getString("session_id");
        var request = HttpRequest.newBuilder(server.base().resolve("/events?after=0&session_id=" + sessionId
                + "&access_token=" + token)).build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("id: 0", reader.readLine(), "the cursor the stream starts after, without data");
            var line = reader.readLine();
            while (line.isEmpty()) {
                line = reader.readLine();
            }
            assertEquals("event: prompt.queued", line);
        }
        var otherUsers = server.tokenFor("someone-else", "user");
        var refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve(
                "/events?session_id=" + sessionId + "&access_token=" + otherUsers)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, refused.statusCode(), "a token parameter grants no more than the same token in a header");
    }

    @Test
    void toolCallsStreamAsEvents() {
        try (var ws = WsClient.connect(server, "/query_stream", token)) {
            ws.send(prompt("/tool write_file {\"path\":\"streamed.txt\",\"content\":\"hello\"}", null));
            assertEquals("accepted", ws.next(WAIT).getString("type"));
            var frames = ws.until(WsClient::terminal, WAIT);
            var types = frames.stream().map(f -> f.getString("type")).toList();
            int started = types.indexOf("tool_call.started");
            int delta = types.indexOf("tool_call.delta");
            int finished = types.indexOf("tool_call.finished");
            assertTrue(started > 0 && delta > started && finished > delta, "tool events in order: " + types);
            var call = frames.get(started).getJsonObject("data");
            assertEquals("write_file", call.getString("name"));
            var result = frames.get(finished).getJsonObject("data");
            assertEquals(call.getString("tool_call_id"), result.getString("tool_call_id"));
            assertEquals("wrote 5 bytes to streamed.txt", result.getString("result"));
            assertEquals(false, result.getBoolean("error"));
            var answer = frames.stream().filter(f -> "message.completed".equals(f.getString("type")))
                    .map(f -> f.getJsonObject("data").getString("content")).toList();
            assertEquals("echo: write_file returned: wrote 5 bytes to streamed.txt", answer.get(answer.size() - 1));
            assertEquals("prompt.completed", types.get(types.size() - 1));
        }
    }
}
