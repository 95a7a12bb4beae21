package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Checks;
import dev.rafiki.it.support.ClusterServices;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.TcpProxy;
import dev.rafiki.it.support.Tokens;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two nodes, started by the launcher as {@code src/bin/rafiki-cluster} starts them, sharing one
 * PostgreSQL and one ActiveMQ broker (each in a process of its own, behind a TCP proxy that can cut
 * the network). Every port is a free random one and the data grid finds its members over TCP under
 * a cluster name of this run only, so the nodes never meet another server on this machine.
 * <p>
 * In order: the grid forms; prompts stream across nodes; stop works from the other node; broker
 * and database cuts and restarts answer 503 with Retry-After while they last and recover without a
 * hand; a {@code kill -9} of a node mid-prompt loses nothing and runs nothing twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static ClusterServices database;
    static ClusterServices broker;
    static TcpProxy databaseLink;
    static TcpProxy brokerLink;
    static RafikiServer nodeA;
    static RafikiServer nodeB;
    static Path keyDir;

    @BeforeAll
    static void start() throws Exception {
        var work = Path.of(System.getProperty("rafiki.it.work", "target/it")).toAbsolutePath();
        keyDir = work.resolve("cluster-key");
        writeKey(keyDir);
        database = ClusterServices.database("cluster-db");
        broker = ClusterServices.broker("cluster-broker");
        databaseLink = new TcpProxy(database.port());
        brokerLink = new TcpProxy(broker.port());
        int gridA = RafikiServer.freePort();
        int gridB = RafikiServer.freePort();
        var members = "127.0.0.1:" + gridA + ",127.0.0.1:" + gridB;
        var clusterName = "rafiki-it-" + UUID.randomUUID();
        var a = CompletableFuture.supplyAsync(() -> RafikiServer.start("cluster-a", node("node-a", gridA, members, clusterName)));
        var b = CompletableFuture.supplyAsync(() -> RafikiServer.start("cluster-b", node("node-b", gridB, members, clusterName)));
        nodeA = a.join();
        nodeB = b.join();
    }

    static Map<String, String> node(String id, int gridPort, String members, String clusterName) {
        var env = new HashMap<String, String>();
        env.put("RAFIKI_NODE_ID", id);
        env.put("RAFIKI_DB_URL", "jdbc:postgresql://127.0.0.1:" + databaseLink.port() + "/postgres");
        env.put("RAFIKI_DB_USER", "postgres");
        env.put("RAFIKI_DB_PASSWORD", "postgres");
        env.put("RAFIKI_BROKER_URL", "tcp://127.0.0.1:" + brokerLink.port());
        env.put("RAFIKI_CLUSTER_ENABLED", "true");
        env.put("RAFIKI_CLUSTER_NAME", clusterName);
        env.put("RAFIKI_CLUSTER_MEMBERS", members);
        env.put("RAFIKI_CLUSTER_PORT", Integer.toString(gridPort));
        env.put("RAFIKI_JWT_DEV_KEY_DIR", keyDir.toString());
        // a dead node's sessions are taken over after its lease: short, to keep the test short
        env.put("RAFIKI_PROMPT_CLAIM_LEASE_SECONDS", "6");
        env.put("RAFIKI_PROMPT_SWEEP_INTERVAL_MS", "1000");
        // an every-second schedule, so that both nodes' timers race for many ticks within the test
        env.put("RAFIKI_SCHEDULES_MIN_INTERVAL_SECONDS", "1");
        return env;
    }

    @AfterAll
    static void stop() throws Exception {
        for (var node : new RafikiServer[] {nodeA, nodeB}) {
            if (node != null) {
                node.stop();
            }
        }
        if (database != null) {
            database.stop();
        }
        if (broker != null) {
            broker.stop();
        }
        if (databaseLink != null) {
            databaseLink.close();
        }
        if (brokerLink != null) {
            brokerLink.close();
        }
    }

    @Test
    @Order(1)
    void theNodesFormOneDataGrid() throws Exception {
        for (var node : List.of(nodeA, nodeB)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(node.log()).contains("DG Size: 2")) {
                assertTrue(System.nanoTime() < deadline, "no data grid of two in " + node.log());
                RafikiServer.sleep(200);
            }
        }
    }

    @Test
    @Order(2)
    void promptsStreamLiveToSubscribersOnBothNodesWhicheverNodeRunsThem() throws Exception {
        var user = "stream-" + UUID.randomUUID();
        var onA = api(nodeA, user);
        try (var watchA = WsClient.connect(nodeA, "/ws", token(user)); var watchB = WsClient.connect(nodeB, "/ws", token(user))) {
            for (var watcher : List.of(watchA, watchB)) {
                watcher.send("{\"type\":\"subscribe\",\"scope\":\"user\",\"after\":0}");
                assertEquals("subscribed", watcher.next(Duration.ofSeconds(10)).getString("type"));
            }
            var prompts = new java.util.concurrent.ConcurrentHashMap<String, String>();
            // both read at once from now on, so that arrival times are the real ones
            var readers = List.of(watchA, watchB).stream()
                    .map(watcher -> CompletableFuture.runAsync(() -> readLive(watcher, prompts, 12))).toList();
            for (int s = 0; s < 6; s++) {
                var sessionId = onA.createSession();
                for (int p = 0; p < 2; p++) {
                    var text = "/slow 80 s" + s + " p" + p + " one two three four five";
                    var response = api(p == 0 ? nodeA : nodeB, user).post("/query", Json.createObjectBuilder()
                            .add("prompt", text).add("session_id", sessionId).build().toString(), "Prefer", "respond-async");
                    assertTrue(response.status() == 202 || response.status() == 200, response.body());
                    prompts.put(response.json().getString("id"), "echo: " + text.substring("/slow 80 ".length()));
                }
            }
            var workers = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
            var poller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            poller.scheduleWithFixedDelay(() -> workers.addAll(workingNodes(user)), 0, 100, TimeUnit.MILLISECONDS);
            try {
                for (var reader : readers) {
                    reader.get(120, TimeUnit.SECONDS);
                }
            } finally {
                poller.shutdownNow();
            }
            // whichever node ran a prompt, the subscriber on the other node got its events as they happened
            assertFalse(workers.isEmpty());
            System.out.println("[cluster] prompts ran on " + workers + "; both subscribers got every event live");
        }
    }

    /** One subscriber's view: every event once, in order, each answer complete, most of them streamed live. */
    static void readLive(WsClient watcher, Map<String, String> prompts, int count) {
        var answers = new HashMap<String, StringBuilder>();
        var firstText = new HashMap<String, Long>();
        var completed = new HashMap<String, Long>();
        long lastUserSeq = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (completed.size() < count) {
            assertTrue(System.nanoTime() < deadline, "completed only " + completed.size() + " of " + count);
            var frame = watcher.next(Duration.ofSeconds(30));
            if (!frame.containsKey("user_seq")) {
                continue; // keep-alive
            }
            assertEquals(++lastUserSeq, frame.getJsonNumber("user_seq").longValue(), "gap-free, in order: " + frame);
            var promptId = frame.getString("prompt_id", null);
            switch (frame.getString("type")) {
                case "message.delta" -> {
                    firstText.putIfAbsent(promptId, System.nanoTime());
                    answers.computeIfAbsent(promptId, k -> new StringBuilder())
                            .append(frame.getJsonObject("data").getString("text"));
                }
                case "prompt.completed" -> assertNull(completed.put(promptId, System.nanoTime()), "completed once");
                default -> { }
            }
        }
        for (var prompt : prompts.entrySet()) {
            assertEquals(prompt.getValue(), answers.get(prompt.getKey()).toString(), "streamed answer");
        }
        assertEquals(count, prompts.size());
        // live: the first words arrived while the prompt still ran (7 words, 80 ms apart), not in
        // one burst at its end (as a catch-up from the log, without announcements, would bring them)
        long live = prompts.keySet().stream().filter(id ->
                TimeUnit.NANOSECONDS.toMillis(completed.get(id) - firstText.get(id)) >= 200).count();
        assertTrue(live >= prompts.size() / 2, live + " of " + prompts.size() + " streamed live");
    }

    @Test
    @Order(2)
    void eachScheduleTickMakesExactlyOneJobWhicheverNodesTimerSeesIt() throws Exception {
        var user = "schedule-" + UUID.randomUUID();
        var created = api(nodeA, user).post("/schedules",
                "{\"cron\":\"* * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"cluster tick\",\"missed\":\"run_once\"}");
        assertEquals(201, created.status(), created.body());
        var id = UUID.fromString(created.json().getString("id"));
        // both timers are active: wait until each node has handled ticks, and enough of them
        awaitValue("ticks handled by both nodes", Duration.ofSeconds(180), () -> {
            try (var db = directDatabase(); var statement = db.prepareStatement(
                    "SELECT count(DISTINCT fired_by), count(*) FROM schedule_run WHERE schedule_id = ?")) {
                statement.setObject(1, id);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getInt(1) == 2 && rows.getInt(2) >= 20 ? Boolean.TRUE : null;
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        var paused = api(nodeB, user).post("/schedules/" + id + "/pause", "");
        assertEquals(200, paused.status(), paused.body());

        try (var db = directDatabase()) {
            try (var statement = db.prepareStatement("""
                    SELECT count(*), count(DISTINCT tick_at), sum(ticks),
                           extract(epoch FROM max(tick_at) - min(tick_at))::bigint, count(DISTINCT job_id),
                           (SELECT ticks FROM schedule_run WHERE schedule_id = ? ORDER BY tick_at LIMIT 1)
                    FROM schedule_run WHERE schedule_id = ?""")) {
                statement.setObject(1, id);
                statement.setObject(2, id);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    int runs = rows.getInt(1);
                    assertEquals(runs, rows.getInt(2), "a tick ran twice");
                    assertEquals(runs, rows.getInt(5));
                    // every second after the first run's tick up to the last is accounted for, once (run_once;
                    // the first run may stand for ticks before its own if a busy node handled it late)
                    assertEquals(rows.getLong(4), rows.getLong(3) - rows.getLong(6), "ticks lost or counted twice");
                }
            }
            try (var statement = db.prepareStatement("""
                    SELECT count(*), count(DISTINCT j.idempotency_key), count(r.job_id)
                    FROM job j LEFT JOIN schedule_run r ON r.job_id = j.id WHERE j.owner = ?""")) {
                statement.setString(1, user);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    assertEquals(rows.getInt(1), rows.getInt(2), "two jobs for one tick");
                    assertEquals(rows.getInt(1), rows.getInt(3), "a job that no run records");
                }
            }
        }
        // the runs, listed on the other node, page by page, are the same
        var listed = new java.util.HashSet<String>();
        String after = null;
        do {
            var page = api(nodeB, user).get("/schedules/" + id + "/runs?limit=7" + (after == null ? "" : "&after=" + after));
            assertEquals(200, page.status(), page.body());
            page.json().getJsonArray("items").forEach(run -> listed.add(run.asJsonObject().getString("tick_at")));
            after = page.json().containsKey("next_cursor") ? page.json().getString("next_cursor") : null;
        } while (after != null);
        try (var db = directDatabase(); var statement = db.prepareStatement("SELECT count(*) FROM schedule_run WHERE schedule_id = ?")) {
            statement.setObject(1, id);
            try (var rows = statement.executeQuery()) {
                rows.next();
                assertEquals(rows.getInt(1), listed.size());
            }
        }
        assertEquals(204, api(nodeA, user).delete("/schedules/" + id).status());
    }

    @Test
    @Order(3)
    void stopOnOneNodeCancelsThePromptRunningOnTheOther() throws Exception {
        var user = "stop-" + UUID.randomUUID();
        var sessionId = api(nodeA, user).createSession();
        var submitted = api(nodeA, user).post("/query", Json.createObjectBuilder()
                .add("prompt", "/slow 300 " + "word ".repeat(60).strip()).add("session_id", sessionId).build().toString(),
                "Prefer", "respond-async");
        var promptId = submitted.json().getString("id");
        var runningOn = awaitValue("the prompt to run somewhere", Duration.ofSeconds(30), () -> {
            var nodes = workingNodes(user);
            return nodes.isEmpty() ? null : nodes.iterator().next();
        });
        RafikiServer.sleep(1000); // well into its run
        var other = runningOn.equals("node-a") ? nodeB : nodeA;

        var stop = api(other, user).post("/session/" + sessionId + "/stop", "");
        assertEquals(200, stop.status(), stop.body());
        var prompt = Checks.prompt(api(other, user), sessionId, promptId);
        assertEquals("cancelled", prompt.getString("status"));

        // the model on the running node stopped: no more text after the cancellation, long before its end
        RafikiServer.sleep(1500);
        var events = api(nodeA, user).get("/session/" + sessionId + "/events?after=0&limit=1000").json().getJsonArray("items");
        var types = events.stream().map(e -> e.asJsonObject().getString("type")).toList();
        int cancelledAt = types.indexOf("prompt.cancelled");
        assertTrue(cancelledAt > 0, types.toString());
        // at most the word that was in flight when the stop reached the running node
        assertTrue(types.subList(cancelledAt, types.size()).stream().filter("message.delta"::equals).count() <= 1,
                "text after the stop: " + types);
        assertTrue(types.stream().filter("message.delta"::equals).count() < 30, "stopped early, not run to its end: " + types);
        assertEquals("stopped", api(nodeB, user).get("/session/" + sessionId).json().getString("status"));
        // and its worker let the session go: the next prompt runs at once, not after the 18 s the first would take
        long sent = System.nanoTime();
        assertEquals("echo: after the stop", api(other, user).query(sessionId, "after the stop").getString("answer"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertTrue(tookMs < 8000, "the next prompt took " + tookMs + " ms");
    }

    @Test
    @Order(4)
    void aBrokerCutDoesNotStopPromptsAndRecovers() throws Exception {
        fault("broker cut", "broker", brokerLink::cut, brokerLink::restore);
    }

    @Test
    @Order(5)
    void aBrokerRestartDoesNotStopPromptsAndRecovers() throws Exception {
        fault("broker restart", "broker", broker::stop, () -> start(broker));
    }

    @Test
    @Order(6)
    void aDatabaseCutAnswers503ThenRecovers() throws Exception {
        fault("database cut", "database", databaseLink::cut, databaseLink::restore);
    }

    @Test
    @Order(7)
    void aDatabaseRestartAnswers503ThenRecovers() throws Exception {
        fault("database restart", "database", database::stop, () -> start(database));
    }

    @Test
    @Order(8)
    void aNodeKilledMidPromptLosesNothingAndRunsNothingTwice() throws Exception {
        var user = "kill-" + UUID.randomUUID();
        var sessions = new ArrayList<String>();
        var promptIds = new HashMap<String, List<String>>();
        var texts = new HashMap<String, List<String>>();
        try (var watchA = WsClient.connect(nodeA, "/ws", token(user)); var watchB = WsClient.connect(nodeB, "/ws", token(user))) {
            for (var watcher : List.of(watchA, watchB)) {
                watcher.send("{\"type\":\"subscribe\",\"scope\":\"user\",\"after\":0}");
                assertEquals("subscribed", watcher.next(Duration.ofSeconds(10)).getString("type"));
            }
            for (int s = 0; s < 6; s++) {
                var sessionId = api(nodeB, user).createSession();
                sessions.add(sessionId);
                for (int p = 0; p < 3; p++) {
                    var text = "/slow 150 k" + s + " p" + p + " a b c d e f g h";
                    var response = api(s % 2 == 0 ? nodeA : nodeB, user).post("/query", Json.createObjectBuilder()
                            .add("prompt", text).add("session_id", sessionId).build().toString(), "Prefer", "respond-async");
                    assertTrue(response.status() == 202 || response.status() == 200, response.body());
                    promptIds.computeIfAbsent(sessionId, k -> new ArrayList<>()).add(response.json().getString("id"));
                    texts.computeIfAbsent(sessionId, k -> new ArrayList<>()).add(text);
                }
            }
            // kill a node while it runs prompts
            var victimId = awaitValue("a node to run prompts", Duration.ofSeconds(30), () -> {
                var nodes = workingNodes(user);
                return nodes.contains("node-a") ? "node-a" : nodes.contains("node-b") ? "node-b" : null;
            });
            var victim = victimId.equals("node-a") ? nodeA : nodeB;
            var survivor = victim == nodeA ? nodeB : nodeA;
            var survivorWatch = victim == nodeA ? watchB : watchA;
            var victimWatch = victim == nodeA ? watchA : watchB;
            long killedAt = System.nanoTime();
            victim.crash();

            // the subscriber of the dead node re-attaches to the survivor from its last cursor
            long victimCursor = drainCursor(victimWatch);
            try (var reattached = WsClient.connect(survivor, "/ws", token(user))) {
                reattached.send("{\"type\":\"subscribe\",\"scope\":\"user\",\"after\":" + victimCursor + "}");
                assertEquals("subscribed", reattached.next(Duration.ofSeconds(10)).getString("type"));
                int total = sessions.size() * 3;
                var completed = new HashSet<String>();
                long cursor = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (completed.size() < total) {
                    if (System.nanoTime() > deadline) {
                        diagnose(survivor);
                    }
                    assertTrue(System.nanoTime() < deadline, "completed only " + completed.size() + " of " + total);
                    var frame = survivorWatch.next(Duration.ofSeconds(60));
                    if (!frame.containsKey("user_seq")) {
                        continue;
                    }
                    assertEquals(++cursor, frame.getJsonNumber("user_seq").longValue(), "gap-free, no repeat: " + frame);
                    if ("prompt.completed".equals(frame.getString("type"))) {
                        assertTrue(completed.add(frame.getString("prompt_id")), "completed once: " + frame);
                    }
                }
                long failover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                System.out.printf("[cluster] kill -9 of %s mid-prompt: all %d prompts completed %d ms later (lease 6 s)%n",
                        victimId, total, failover);
                // the re-attached subscriber gets exactly what it missed, up to the same last event
                long resumed = victimCursor;
                while (resumed < cursor) {
                    var frame = reattached.next(Duration.ofSeconds(30));
                    if (frame.containsKey("user_seq")) {
                        assertEquals(++resumed, frame.getJsonNumber("user_seq").longValue(), "resumed without gap: " + frame);
                    }
                }
            }
            for (var sessionId : sessions) {
                Checks.ranInOrderOnce(api(survivor, user), sessionId, promptIds.get(sessionId), texts.get(sessionId));
            }
            try (var db = directDatabase(); var statement = db.prepareStatement("""
                    SELECT count(*) FILTER (WHERE m.role = 'assistant'), count(DISTINCT p.id), max(p.attempts)
                    FROM prompt p LEFT JOIN message m ON m.prompt_id = p.id WHERE p.owner = ?""")) {
                statement.setString(1, user);
                try (var result = statement.executeQuery()) {
                    result.next();
                    assertEquals(sessions.size() * 3, result.getInt(1), "one answer per prompt");
                    assertEquals(sessions.size() * 3, result.getInt(2));
                    assertTrue(result.getInt(3) >= 2, "some prompt was interrupted by the kill and resumed");
                }
            }
        }
    }

    /** The last user cursor a (now dead) node's subscriber received, checking it had no gap. */
    static long drainCursor(WsClient watcher) {
        long cursor = 0;
        while (true) {
            JsonObject frame;
            try {
                frame = watcher.next(Duration.ofMillis(300));
            } catch (AssertionError none) {
                return cursor;
            }
            if (frame.containsKey("user_seq")) {
                assertEquals(++cursor, frame.getJsonNumber("user_seq").longValue(), "gap-free before the kill: " + frame);
            }
        }
    }

    /**
     * A fault on a shared service: while it lasts, readiness is DOWN on both nodes and the API
     * answers 503 service-unavailable with Retry-After, promptly; after it, both nodes are ready
     * again and prompts run, with no hand, and a prompt accepted before the fault completes.
     */
    void fault(String what, String component, ThrowingRunnable fault, ThrowingRunnable repair) throws Exception {
        var user = "fault-" + UUID.randomUUID();
        var before = api(nodeA, user).post("/query", Json.createObjectBuilder()
                .add("prompt", "/slow 100 accepted before the " + what).build().toString(), "Prefer", "respond-async");
        assertTrue(before.status() == 202 || before.status() == 200, before.body());
        var beforeSession = before.json().getString("session_id");
        var beforePrompt = before.json().getString("id");
        RafikiServer.sleep(300);

        long faultAt = System.nanoTime();
        fault.run();
        try {
            for (var node : List.of(nodeA, nodeB)) {
                var down = awaitValue(component + " DOWN on " + node.base(), Duration.ofSeconds(30), () -> {
                    var ready = api(node, user).get("/health/ready");
                    return ready.status() == 503 && ready.body().contains("\"" + component + "\":\"DOWN") ? ready : null;
                });
                assertNotNull(down);
                long sent = System.nanoTime();
                var refused = api(node, user).postAsync("/query", "{\"prompt\":\"during the " + what + "\"}")
                        .get(30, TimeUnit.SECONDS);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                if (component.equals("broker")) {
                    // the broker is off the prompt's path (it only wakes durable work and tells other
                    // nodes): a prompt for an idle session is still accepted, run and answered
                    assertEquals(200, refused.status(), refused.body());
                    assertEquals("completed", refused.json().getString("status"), refused.body());
                } else {
                    assertEquals(503, refused.status(), refused.body());
                    assertEquals("application/problem+json", refused.contentType());
                    assertEquals("service-unavailable", refused.json().getString("code"));
                    assertNotNull(refused.header("Retry-After"), "Retry-After");
                }
                assertTrue(tookMs < 15_000, "answered in " + tookMs + " ms, not hung");
            }
        } finally {
            repair.run();
        }
        long repairedAt = System.nanoTime();
        for (var node : List.of(nodeA, nodeB)) {
            awaitValue("readiness UP on " + node.base(), Duration.ofSeconds(60), () ->
                    api(node, user).get("/health/ready").status() == 200 ? true : null);
        }
        long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - repairedAt);
        for (var node : List.of(nodeA, nodeB)) {
            var answer = awaitValue("a prompt to run through " + node.base(), Duration.ofSeconds(90), () -> {
                var response = api(node, user).postAsync("/query", "{\"prompt\":\"after the " + what + "\"}", "Prefer", "wait=20")
                        .orTimeout(30, TimeUnit.SECONDS).join();
                return response.status() == 200 ? response.json() : null;
            });
            assertEquals("completed", answer.getString("status"), answer.toString());
        }
        long servingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - repairedAt);
        var survived = awaitValue("the prompt accepted before the " + what, Duration.ofSeconds(60), () -> {
            var prompt = Checks.prompt(api(nodeB, user), beforeSession, beforePrompt);
            return "completed".equals(prompt.getString("status")) ? prompt : null;
        });
        assertEquals("echo: accepted before the " + what, survived.getString("answer"));
        System.out.printf("[cluster] %s: fault lasted %d ms; ready %d ms and serving prompts on both nodes %d ms after repair%n",
                what, TimeUnit.NANOSECONDS.toMillis(repairedAt - faultAt), readyMs, servingMs);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void start(ClusterServices services) throws Exception {
        services.start();
    }

    /** Thread dump of a node and the database's sessions, into the node's log, to see what hangs. */
    static void diagnose(RafikiServer node) {
        try {
            long pid = Long.parseLong(Files.readString(node.dataDir().resolve("server.pid")).strip());
            var jstack = Path.of(System.getProperty("java.home"), "bin", "jstack").toString();
            new ProcessBuilder(jstack, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log().toFile())).start().waitFor(30, TimeUnit.SECONDS);
            try (var db = directDatabase(); var rows = db.createStatement().executeQuery(
                    "SELECT pid, state, wait_event_type, wait_event, xact_start, left(query, 200) FROM pg_stat_activity")) {
                var dump = new StringBuilder("\n[ClusterIT] pg_stat_activity:\n");
                while (rows.next()) {
                    for (int c = 1; c <= 6; c++) {
                        dump.append(rows.getString(c)).append(" | ");
                    }
                    dump.append('\n');
                }
                Files.writeString(node.log(), dump, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (Exception e) {
            System.out.println("[cluster] diagnosis failed: " + e);
        }
    }

    /** The nodes holding claims on the user's sessions right now. */
    static synchronized Set<String> workingNodes(String user) {
        try (var db = directDatabase(); var statement = db.prepareStatement(
                "SELECT DISTINCT split_part(worker, '|', 1) FROM agent_session WHERE owner = ? AND worker IS NOT NULL")) {
            statement.setString(1, user);
            var nodes = new HashSet<String>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    nodes.add(rows.getString(1));
                }
            }
            return nodes;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection directDatabase() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + database.port() + "/postgres", "postgres", "postgres");
    }

    static <T> T awaitValue(String what, Duration timeout, java.util.function.Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                var value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException | AssertionError e) {
                last = e; // not yet: a node still recovering may answer 503
            }
            RafikiServer.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + (last == null ? "" : "; last error: " + last));
    }

    static Api api(RafikiServer node, String user) {
        return new Api(node.base(), token(user));
    }

    static String token(String user) {
        return Tokens.sign(keyDir.resolve("private.pem"), user, List.of("user"), 3600);
    }

    /** The cluster's development key, made before the nodes start so that they all load the same one. */
    static void writeKey(Path directory) throws Exception {
        Files.createDirectories(directory);
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        var encoder = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(directory.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + encoder.encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.writeString(directory.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + encoder.encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    }
}
