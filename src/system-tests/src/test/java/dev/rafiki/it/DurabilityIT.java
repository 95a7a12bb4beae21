package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Event;
import dev.rafiki.client.EventListener;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.RetryPolicy;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.Checks;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What was accepted survives a clean restart and a {@code kill -9} of the server. Through the Java
 * client; raw calls remain only where the wire itself is tested.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurabilityIT {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DurabilityIT.class.getName());

    static RafikiServer server;

    @BeforeAll
    static void start() {
        // its jobs' shell commands (echo, sleep) are the test's own: durability is under test here, not
        // confinement, so they run the same with or without bubblewrap on the machine
        server = RafikiServer.start("durability", RafikiServer.env("RAFIKI_TOOL_SHELL_SANDBOX", "none"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Order(1)
    void messagesAreInTheDatabaseAfterARestart() throws Exception {
        String sessionId;
        try (var client = server.client("restart-user")) {
            var first = client.query("remember me");
            sessionId = first.sessionId().toString();
            client.query(dev.rafiki.client.QueryRequest.of("and me").inSession(first.sessionId()));
        }

        server.stop();
        server.launch();

        try (var client = server.client("restart-user")) {
            assertEquals(List.of("remember me", "echo: remember me", "and me", "echo: and me"),
                    client.sessions().messages(UUID.fromString(sessionId)).stream().map(m -> m.content()).toList());
        }
        try (var db = server.database();
             var statement = db.prepareStatement("SELECT role, content FROM message WHERE session_id = ? ORDER BY id")) {
            statement.setObject(1, UUID.fromString(sessionId));
            var rows = new ArrayList<String>();
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + ":" + result.getString(2));
                }
            }
            assertEquals(List.of("user:remember me", "assistant:echo: remember me", "user:and me", "assistant:echo: and me"), rows);
        }
    }

    @Test
    @Order(2)
    void afterAKillDashNineEveryAcceptedPromptCompletesExactlyOnceInOrder() throws Exception {
        int sessions = 10;
        int perSession = 30;
        // the test is the careful client that tries again (submitThroughCrash), so that it counts the tries
        var client = RafikiClient.builder(server.base()).token(server.tokenFor("crash-user", "user"))
                .retries(RetryPolicy.none()).build();
        var sessionIds = new ArrayList<UUID>();
        for (int s = 0; s < sessions; s++) {
            sessionIds.add(client.sessions().create().id());
        }
        var accepted = new AtomicInteger();
        var retried = new AtomicInteger();
        var pool = Executors.newFixedThreadPool(sessions);
        try (client) {
            var submitters = new ArrayList<Callable<List<UUID>>>();
            for (int s = 0; s < sessions; s++) {
                var sessionId = sessionIds.get(s);
                submitters.add(() -> submitThroughCrash(client, sessionId, prompts(sessionId, perSession), accepted, retried));
            }
            var futures = submitters.stream().map(pool::submit).toList();

            // Crash while prompts are being accepted, queued and running.
            Await.until("a third of the prompts accepted", Duration.ofSeconds(60), accepted::get,
                    n -> n >= sessions * perSession / 3);
            server.crash();
            server.launch();

            var promptIds = new ArrayList<List<UUID>>();
            for (var future : futures) {
                promptIds.add(future.get());
            }
            for (int s = 0; s < sessions; s++) {
                var sessionId = sessionIds.get(s);
                Await.until("session " + sessionId + " to drain", Duration.ofSeconds(120),
                        () -> client.sessions().get(sessionId), st -> "idle".equals(st.status()));
                Checks.ranInOrderOnce(client, sessionId, promptIds.get(s), prompts(sessionId, perSession));
            }
            assertTrue(retried.get() > 0 || accepted.get() == sessions * perSession,
                    "the crash happened while submissions were still being made");
            try (var db = server.database(); var statement = db.prepareStatement("""
                    SELECT count(*) FILTER (WHERE m.role = 'assistant'), count(DISTINCT p.id)
                    FROM prompt p LEFT JOIN message m ON m.prompt_id = p.id WHERE p.owner = 'crash-user'""")) {
                try (var result = statement.executeQuery()) {
                    result.next();
                    assertEquals(sessions * perSession, result.getInt(1), "one answer per prompt");
                    assertEquals(sessions * perSession, result.getInt(2), "one prompt per submission");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void afterAKillDashNineEveryJobFinishesOnceWithOneSetOfArtifactsAndNoneStaysRunning() throws Exception {
        int count = 60;
        try (var client = server.client("job-crash-user")) {
            jobsFinishOnceAcrossACrash(client, count);
        }
        try (var db = server.database(); var statement = db.prepareStatement("""
                SELECT count(*), count(DISTINCT prompt_id) FROM event
                WHERE owner = 'job-crash-user' AND type = 'job.completed'""")) {
            try (var result = statement.executeQuery()) {
                result.next();
                assertEquals(count, result.getInt(1), "one job.completed per job");
                assertEquals(count, result.getInt(2));
            }
        }
        try (var db = server.database(); var statement = db.prepareStatement("""
                SELECT count(*) FROM message m JOIN job j ON j.id = m.prompt_id
                WHERE j.owner = 'job-crash-user' AND m.role = 'assistant' AND m.tool_calls IS NULL""")) {
            try (var result = statement.executeQuery()) {
                result.next();
                assertEquals(count, result.getInt(1), "one final answer per job");
            }
        }
    }

    private static void jobsFinishOnceAcrossACrash(RafikiClient client, int count) throws Exception {
        // each job writes, waits a second in the shell, and saves an artifact: long enough to be caught running
        var ids = new ArrayList<UUID>();
        for (int i = 0; i < count; i++) {
            var script = Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("name", "run_shell").add("arguments",
                            Json.createObjectBuilder().add("command", "echo job " + i + " > out.txt && sleep 1")))
                    .add(Json.createObjectBuilder().add("name", "save_artifact").add("arguments",
                            Json.createObjectBuilder().add("name", "out.txt").add("path", "out.txt")))
                    .build();
            // the job is accepted (202) or submit throws
            ids.add(client.jobs().submit(SubmitRequest.of("/tools " + script)).id());
        }
        Await.until("jobs to be running", Duration.ofSeconds(60),
                () -> client.jobs().list(ListOptions.limit(200), "running").items().size(), n -> n >= 2);
        server.crash();
        server.launch();

        Await.until("every job to end", Duration.ofSeconds(180),
                () -> client.jobs().list(ListOptions.limit(1), "queued", "running").items().size(), n -> n == 0);
        int resumed = 0;
        var downloads = Files.createTempDirectory("durability-artifacts");
        for (int i = 0; i < count; i++) {
            var job = client.jobs().get(ids.get(i));
            assertEquals("completed", job.status(), job.toString());
            assertEquals(1, job.artifacts().size(), job.toString());
            var download = client.jobs().download(job.id(), "out.txt", downloads.resolve(i + ".txt"));
            assertEquals("job " + i + "\n", Files.readString(download.path()));
            resumed += job.attempts() > 1 ? 1 : 0;
        }
        assertTrue(resumed > 0, "some job was running at the crash and ran again");
    }

    @Test
    @Order(4)
    void aClientWhoseReplyWasLostToACrashAfterTheCommitGetsTheSameResultWithItsKey() throws Exception {
        UUID sessionId;
        try (var client = server.client("lost-reply-user")) {
            sessionId = client.sessions().create().id();
        }
        var key = "lost-" + UUID.randomUUID();
        var body = Json.createObjectBuilder().add("prompt", "answer me once").add("session_id", sessionId.toString())
                .build().toString();
        // the client sends and never reads: whatever the server answers is lost
        try (var socket = new java.net.Socket(server.base().getHost(), server.base().getPort())) {
            var bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var request = "POST /query HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + server.tokenFor("lost-reply-user", "user")
                    + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            // the server dies as soon as the prompt is committed, before or while it replies
            var committed = Await.until("the prompt to be committed", Duration.ofSeconds(30),
                    () -> committedAnswer("lost-reply-user", key), answer -> answer != null);
            server.crash();
            server.launch();

            // raw: the Idempotent-Replayed header is the wire's mark of a replay
            var retry = server.api("lost-reply-user").post("/query", body, "Idempotency-Key", key);
            assertEquals(200, retry.status(), retry.body());
            assertEquals("true", retry.header("Idempotent-Replayed"));
            assertEquals(committed[0], retry.json().getString("id"), "the same prompt");
            assertEquals("echo: answer me once", retry.json().getString("answer"));
            assertEquals(committed[1], retry.json().getString("answer"));
        }
        try (var db = server.database();
             var statement = db.prepareStatement("SELECT count(*) FROM prompt WHERE owner = 'lost-reply-user'")) {
            try (var result = statement.executeQuery()) {
                result.next();
                assertEquals(1, result.getInt(1), "one prompt for the two tries");
            }
        }
    }

    /** The committed prompt id and answer for an idempotency key, or null while there is none. */
    private static String[] committedAnswer(String owner, String key) {
        try (var db = server.database(); var statement = db.prepareStatement(
                "SELECT id, answer FROM prompt WHERE owner = ? AND idempotency_key = ? AND status = 'completed'")) {
            statement.setString(1, owner);
            statement.setString(2, key);
            try (var result = statement.executeQuery()) {
                return result.next() ? new String[] {result.getString(1), result.getString(2)} : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(5)
    void aPromptRunningInMemoryWhoseClaimIsTakenEndsOnceByTheNewHolder() throws Exception {
        try (var client = server.client("lease-user")) {
            aClaimTakenFromARunningPromptEndsItOnce(client);
        }
    }

    private static void aClaimTakenFromARunningPromptEndsItOnce(RafikiClient client) throws Exception {
        var sessionId = client.sessions().create().id();
        // a prompt that runs for seconds in the fast lane, holding the session's claim
        var accepted = client.start(QueryRequest.of("/slow 400 one two three four five six seven eight").inSession(sessionId));
        // with respond-async the server answers 202 for a prompt not yet ended, 200 for one that has
        assertFalse(accepted.terminal(), accepted.toString());
        var promptId = accepted.id();
        // the claim is lost while the run goes on (as when its lease ran out): the sweeper gives the session to another worker
        try (var db = server.database(); var steal = db.prepareStatement(
                "UPDATE agent_session SET worker = NULL, claim_expires_at = NULL WHERE id = ? AND worker IS NOT NULL")) {
            steal.setObject(1, sessionId);
            assertEquals(1, steal.executeUpdate(), "the running prompt held the session's claim");
        }
        var ended = Await.until("the prompt to end", Duration.ofSeconds(60), () -> client.sessions().prompt(sessionId, promptId),
                p -> "completed".equals(p.status()));
        assertEquals("echo: one two three four five six seven eight", ended.answer());
        assertEquals(2, ended.attempts(), "resumed by the worker that took the claim");
        Await.until("the session to be idle", Duration.ofSeconds(30), () -> client.sessions().get(sessionId),
                st -> "idle".equals(st.status()));
        try (var db = server.database(); var statement = db.prepareStatement("""
                SELECT (SELECT count(*) FROM message WHERE prompt_id = ? AND role = 'assistant'),
                       (SELECT count(*) FROM event WHERE prompt_id = ? AND type = 'prompt.completed')""")) {
            statement.setObject(1, promptId);
            statement.setObject(2, promptId);
            try (var result = statement.executeQuery()) {
                result.next();
                assertEquals(1, result.getInt(1), "one answer");
                assertEquals(1, result.getInt(2), "one end");
            }
        }
        assertEquals("echo: after", client.query(QueryRequest.of("after").inSession(sessionId)).answer());
    }

    /**
     * A careful client: each prompt goes with an Idempotency-Key, and a submission that failed
     * because the server went away is repeated with the same key until it is answered.
     */
    static List<UUID> submitThroughCrash(RafikiClient client, UUID sessionId, List<String> prompts, AtomicInteger accepted,
                                         AtomicInteger retried) {
        var ids = new ArrayList<UUID>();
        for (int i = 0; i < prompts.size(); i++) {
            var request = QueryRequest.of(prompts.get(i)).inSession(sessionId).withIdempotencyKey(sessionId + "-" + i);
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (true) {
                try {
                    ids.add(client.start(request).id());
                    accepted.incrementAndGet();
                    break;
                } catch (RafikiException refused) {
                    // only the server going away (no answer, or a 5xx while it stops or starts) is tried
                    // again with the same key; an answer that is not JSON is no reason to try again
                    boolean serverGone = RafikiException.CONNECTION_FAILED.equals(refused.code()) || refused.status() >= 500;
                    if (!serverGone) {
                        throw new AssertionError("submission answered " + refused.status() + ": " + refused.getMessage(), refused);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not submit prompt " + i + " of " + sessionId);
                }
                retried.incrementAndGet();
                RafikiServer.sleep(200);
            }
        }
        return ids;
    }

    static List<String> prompts(UUID sessionId, int count) {
        var prompts = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            prompts.add("/slow 10 " + sessionId.toString().substring(0, 8) + " n" + i);
        }
        return prompts;
    }

    /**
     * The Java client's subscribers (SSE and /ws) and a prompt followed over /query_stream across a
     * crash: each event once, in order, none missing.
     */
    @Test
    @Order(6)
    void aSubscriberSeesEveryEventOnceAcrossAKillDashNineOfTheServer() throws Exception {
        try (var client = RafikiClient.builder(server.base()).token(server.tokenFor("crash-subscriber", "user"))
                .streamBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build()) {
            var sessionId = client.sessions().create().id();
            client.query(QueryRequest.of("before").inSession(sessionId));
            long start = client.sessions().events(sessionId, 0, 200).items().size();
            var seen = new CopyOnWriteArrayList<Event>();
            var seenOverWs = new CopyOnWriteArrayList<Event>();
            var disconnects = new CopyOnWriteArrayList<Long>();
            var prompts = new ArrayList<UUID>();
            // in a session of its own, long enough to be running when the server dies
            var streamedSession = client.sessions().create().id();
            var streamed = new CopyOnWriteArrayList<Event>();
            var queryStream = client.queryStream(QueryRequest.of("/slow 40 " + "q ".repeat(150)).inSession(streamedSession),
                    streamed::add);
            try (var overWs = client.events().session(sessionId).overWebSocket().subscribe(seenOverWs::add);
                 var subscription = client.events().session(sessionId).subscribe(new EventListener() {
                @Override
                public void onEvent(Event event) {
                    seen.add(event);
                }

                @Override
                public void onDisconnect(long cursor, Throwable cause) {
                    disconnects.add(cursor);
                }
            })) {
                assertEquals(start, subscription.started().get(10, TimeUnit.SECONDS));
                assertEquals(start, overWs.started().get(10, TimeUnit.SECONDS));
                for (int i = 0; i < 4; i++) {
                    prompts.add(client.start(QueryRequest.of("/slow 40 " + ("p" + i + " ").repeat(30)).inSession(sessionId)).id());
                }
                Await.until("a stream well under way", Duration.ofSeconds(60), seen::size, n -> n >= 20);
                Await.until("the streamed prompt under way", Duration.ofSeconds(60), streamed::size, n -> n >= 5);
                int before = seen.size();
                server.crash();
                server.launch();
                // the prompts were durable: they all end, and the subscriber hears every one of them end
                for (var list : List.of(seen, seenOverWs)) {
                    Await.until("every prompt's end", Duration.ofSeconds(180), () -> list.stream().filter(Event::endsPrompt)
                            .map(Event::promptId).distinct().count(), n -> n == prompts.size());
                }
                assertTrue(overWs.reconnects() >= 1, "the crash dropped the WebSocket");
                LOG.info(() -> "kill -9 after " + before + " events; " + seen.size() + " seen in all, "
                        + subscription.reconnects() + " tries to reconnect, the first after cursor " + disconnects.get(0));
                assertFalse(disconnects.isEmpty(), "the stream was dropped by the crash");
                assertTrue(seen.size() > before, "events after the restart arrived");
            }
            ClientIT.assertExactlyTheLog(client, sessionId, start, seen);
            ClientIT.assertExactlyTheLog(client, sessionId, start, seenOverWs);
            var streamedPrompt = queryStream.result().get(180, TimeUnit.SECONDS);
            assertEquals("completed", streamedPrompt.status(), streamedPrompt.toString());
            assertTrue(queryStream.reconnects() >= 1, "the crash dropped the query stream");
            ClientIT.assertExactlyTheLog(client, streamedSession, 0, streamed);
            assertEquals(Event.PROMPT_COMPLETED, streamed.get(streamed.size() - 1).type());
            // and the server's log holds nothing after the last event the subscriber saw for those prompts
            var last = seen.get(seen.size() - 1).seq();
            assertTrue(client.sessions().events(sessionId, last, 200).items().stream().noneMatch(e -> prompts.contains(e.promptId())
                    && !e.type().startsWith("job.")), "nothing of the prompts after the last event seen");
        }
    }
}
