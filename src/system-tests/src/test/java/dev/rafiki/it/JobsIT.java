package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Background jobs through the public surface: submission, status, progress, artifacts
 * (download, ETag, Range), cancellation, signed webhooks with retries, the dead-letter path,
 * job events, and many jobs at once, each finishing exactly once.
 */
class JobsIT {

    private static final Logger LOG = Logger.getLogger(JobsIT.class.getName());

    static RafikiServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("jobs-user");
    }

    static JsonObject submit(Api as, JsonObject body, String... headers) {
        var response = as.post("/submit", body.toString(), headers);
        assertEquals(202, response.status(), response.body());
        var job = response.json();
        assertTrue(response.header("Location").endsWith("/jobs/" + job.getString("id")), response.header("Location"));
        return job;
    }

    /** The job once it ended, awaited by its events (the Java client), as JSON. */
    static JsonObject awaitTerminal(Api as, String jobId) {
        try (var client = as.client()) {
            assertTrue(client.jobs().await(UUID.fromString(jobId), Duration.ofSeconds(90)).terminal());
        }
        return as.get("/jobs/" + jobId).json();
    }

    static String tools(String json) {
        return "/tools " + json;
    }

    static List<String> names(List<JsonObject> artifacts) {
        return artifacts.stream().map(a -> a.getString("name")).toList();
    }

    static void assertValidationFailed(Api.Response response) {
        assertEquals(400, response.status(), response.body());
        assertEquals("application/problem+json", response.contentType());
        assertEquals("validation-failed", response.json().getString("code"), response.body());
    }

    @Test
    void webhookUrlsOnDocumentationAndBroadcastAddressesAreRefusedEvenWherePrivateNetworksAreAllowed() {
        // this server allows private networks (its test receivers listen on loopback): these ranges are no network at all
        for (var url : List.of("http://255.255.255.255/hook", "https://192.0.2.1/hook", "http://[2001:db8::1]/hook",
                "http://[::ffff:192.0.2.1]/hook")) {
            var refused = api.post("/submit", Json.createObjectBuilder().add("prompt", "never runs")
                    .add("webhook", Json.createObjectBuilder().add("url", url)).build().toString());
            assertEquals(400, refused.status(), url + ": " + refused.body());
            assertEquals("application/problem+json", refused.contentType(), url);
            assertEquals("validation-failed", refused.json().getString("code"), url);
            assertTrue(refused.json().getString("detail").contains("public address"), refused.body());
            assertFalse(refused.body().contains("Exception"), refused.body());
        }
    }

    @Test
    void aJobReportsProgressAndLeavesArtifactsToDownload() throws Exception {
        var csv = "id,name\n1,ada\n2,grace\n";
        var script = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("name", "write_file")
                        .add("arguments", Json.createObjectBuilder().add("path", "out/report.csv").add("content", csv)))
                .add(Json.createObjectBuilder().add("name", "report_progress")
                        .add("arguments", Json.createObjectBuilder().add("percent", 60).add("message", "report written")))
                .add(Json.createObjectBuilder().add("name", "save_artifact")
                        .add("arguments", Json.createObjectBuilder().add("name", "report.csv").add("path", "out/report.csv")))
                .add(Json.createObjectBuilder().add("name", "save_artifact")
                        .add("arguments", Json.createObjectBuilder().add("name", "notes.txt").add("content", "all good")))
                .build();
        var submitted = submit(api, Json.createObjectBuilder().add("prompt", tools(script.toString()))
                .add("metadata", Json.createObjectBuilder().add("customer", "acme")).build());
        var jobId = submitted.getString("id");
        assertTrue(List.of("queued", "running", "completed").contains(submitted.getString("status")), submitted.toString());
        assertEquals("/jobs/" + jobId, submitted.getJsonObject("links").getString("self"));

        var job = awaitTerminal(api, jobId);
        assertEquals("completed", job.getString("status"), job.toString());
        assertTrue(job.getString("answer").contains("save_artifact returned: saved artifact 'notes.txt'"),
                job.toString());
        assertEquals(60, job.getJsonObject("progress").getInt("percent"));
        assertEquals("report written", job.getJsonObject("progress").getString("message"));
        assertEquals("acme", job.getJsonObject("metadata").getString("customer"));
        // a job is its prompt: the same id, status word and answer in the same place
        assertFalse(job.containsKey("job_id") || job.containsKey("result"), job.toString());
        var prompt = api.get("/session/" + job.getString("session_id") + "/prompts/" + jobId).json();
        assertEquals(prompt.getString("status"), job.getString("status"));
        assertEquals(prompt.getString("answer"), job.getString("answer"));
        assertEquals(job.getJsonObject("metadata"), prompt.getJsonObject("metadata"), "the job's metadata is its prompt's");
        assertEquals(1, job.getInt("attempts"));
        assertEquals(4, job.getJsonObject("usage").getInt("tool_calls"));
        assertNotNull(job.getString("finished_at"));

        var listed = api.get("/jobs/" + jobId + "/artifacts");
        assertEquals(200, listed.status(), listed.body());
        var artifacts = listed.json().getJsonArray("items");
        assertEquals(2, artifacts.size(), listed.body());
        // one page at a time, by name
        var first = api.get("/jobs/" + jobId + "/artifacts?limit=1").json();
        assertEquals("notes.txt", first.getJsonArray("items").getJsonObject(0).getString("name"));
        var second = api.get("/jobs/" + jobId + "/artifacts?limit=1&after=" + first.getString("next_cursor")).json();
        assertEquals("report.csv", second.getJsonArray("items").getJsonObject(0).getString("name"));
        assertFalse(second.containsKey("next_cursor"), second.toString());
        // both directions, a page at a time: each artifact once, in name order or backwards
        var base = "/jobs/" + jobId + "/artifacts";
        assertEquals(List.of("notes.txt", "report.csv"), names(api.pages(base + "?order=asc", 1)));
        assertEquals(List.of("report.csv", "notes.txt"), names(api.pages(base + "?order=desc", 1)));
        assertValidationFailed(api.get(base + "?order=sideways"));
        assertValidationFailed(api.get(base + "?limit=201"));
        var report = artifacts.stream().map(v -> v.asJsonObject()).filter(a -> a.getString("name").equals("report.csv"))
                .findFirst().orElseThrow();
        assertEquals(csv.length(), report.getInt("size"));
        assertEquals(sha256(csv.getBytes(StandardCharsets.UTF_8)), report.getString("sha256"));
        assertEquals("text/csv", report.getString("content_type"));
        assertTrue(report.getString("tool_call_id").startsWith("echo-call-"), report.toString());
        assertTrue(report.getInt("event_seq") > 0);

        var download = api.get("/jobs/" + jobId + "/artifacts/report.csv");
        assertEquals(200, download.status());
        assertEquals(csv, download.body());
        assertTrue(download.contentType().startsWith("text/csv"), download.contentType());
        assertEquals(Integer.toString(csv.length()), download.header("Content-Length"));
        var etag = download.header("ETag");
        assertEquals("\"" + report.getString("sha256") + "\"", etag);
        assertEquals("attachment; filename=\"report.csv\"; filename*=UTF-8''report.csv", download.header("Content-Disposition"));
        assertEquals("nosniff", download.header("X-Content-Type-Options"));
        assertEquals("bytes", download.header("Accept-Ranges"));

        var notModified = api.send("GET", "/jobs/" + jobId + "/artifacts/report.csv", null, null, "If-None-Match", etag);
        assertEquals(304, notModified.status());
        assertEquals("", notModified.body());

        var part = api.send("GET", "/jobs/" + jobId + "/artifacts/report.csv", null, null, "Range", "bytes=3-9");
        assertEquals(206, part.status());
        assertEquals(csv.substring(3, 10), part.body());
        assertEquals("bytes 3-9/" + csv.length(), part.header("Content-Range"));
        assertEquals("7", part.header("Content-Length"));

        var tail = api.send("GET", "/jobs/" + jobId + "/artifacts/report.csv", null, null, "Range", "bytes=-6");
        assertEquals(206, tail.status());
        assertEquals(csv.substring(csv.length() - 6), tail.body());

        var staleIfRange = api.send("GET", "/jobs/" + jobId + "/artifacts/report.csv", null, null,
                "Range", "bytes=0-1", "If-Range", "\"not-the-etag\"");
        assertEquals(200, staleIfRange.status());
        assertEquals(csv, staleIfRange.body());

        var outside = api.send("GET", "/jobs/" + jobId + "/artifacts/report.csv", null, null, "Range", "bytes=999-");
        assertEquals(416, outside.status());
        assertEquals("bytes */" + csv.length(), outside.header("Content-Range"));
        assertTrue(outside.contentType().startsWith("application/problem+json"));
        assertEquals("range-not-satisfiable", outside.json().getString("code"));

        assertEquals(404, api.get("/jobs/" + jobId + "/artifacts/missing.txt").status());
        var stranger = server.api("jobs-stranger");
        assertEquals(404, stranger.get("/jobs/" + jobId).status());
        assertEquals(404, stranger.get("/jobs/" + jobId + "/artifacts").status());
        assertEquals(404, stranger.get("/jobs/" + jobId + "/artifacts/report.csv").status());
        assertEquals(404, stranger.post("/jobs/" + jobId + "/cancel", "").status());

        var completed = api.get("/jobs?status=completed&limit=200").json().getJsonArray("items");
        assertTrue(completed.stream().anyMatch(v -> v.asJsonObject().getString("id").equals(jobId)));
        var running = api.get("/jobs?status=running,queued").json().getJsonArray("items");
        assertFalse(running.stream().anyMatch(v -> v.asJsonObject().getString("id").equals(jobId)));
        assertEquals(400, api.get("/jobs?status=done").status());
        assertEquals(400, api.get("/jobs?status=succeeded").status(), "one vocabulary: completed");
    }

    @Test
    void theSameIdempotencyKeyGivesOneJobAndAnotherBodyUnderItIsAConflict() throws Exception {
        var key = "job-" + UUID.randomUUID();
        var body = Json.createObjectBuilder().add("prompt", "once only").build().toString();
        var pool = Executors.newFixedThreadPool(8);
        try {
            var attempts = new ArrayList<CompletableFuture<Api.Response>>();
            for (int i = 0; i < 8; i++) {
                attempts.add(CompletableFuture.supplyAsync(() -> api.post("/submit", body, "Idempotency-Key", key), pool));
            }
            var ids = new HashSet<String>();
            for (var attempt : attempts) {
                var response = attempt.join();
                assertEquals(202, response.status(), response.body());
                ids.add(response.json().getString("id"));
            }
            assertEquals(1, ids.size(), ids.toString());
            var replay = api.post("/submit", body, "Idempotency-Key", key);
            assertEquals("true", replay.header("Idempotent-Replayed"));
            var other = api.post("/submit", "{\"prompt\":\"something else\"}", "Idempotency-Key", key);
            assertEquals(409, other.status());
            assertEquals("idempotency-key-reused", other.json().getString("code"));
            var jobId = ids.iterator().next();
            awaitTerminal(api, jobId);
            try (var db = server.database();
                 var count = db.prepareStatement("SELECT count(*) FROM prompt WHERE owner = ? AND content = 'once only'")) {
                count.setString(1, "jobs-user");
                try (var rows = count.executeQuery()) {
                    rows.next();
                    assertEquals(1, rows.getInt(1));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingARunningJobStopsItAndRepeatingIsHarmless() {
        var jobId = submit(api, Json.createObjectBuilder()
                .add("prompt", "/slow 300 " + "word ".repeat(100)).build()).getString("id");
        Await.until("the job to run", Duration.ofSeconds(30), () -> api.get("/jobs/" + jobId).json(),
                job -> job.getString("status").equals("running"));
        var cancelled = api.post("/jobs/" + jobId + "/cancel", "");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().getString("status"));
        var again = api.post("/jobs/" + jobId + "/cancel", "");
        assertEquals(200, again.status());
        assertEquals("cancelled", again.json().getString("status"));
        var deleted = api.delete("/jobs/" + jobId);
        assertEquals(200, deleted.status());
        assertEquals("cancelled", deleted.json().getString("status"));
        var job = api.get("/jobs/" + jobId).json();
        assertEquals("cancelled", job.getString("status"));
        assertTrue(job.getJsonObject("usage").getInt("output_tokens") < 100, job.toString());

        // a queued job is taken off the queue: it never starts
        var sessionId = api.createSession();
        var blocker = submit(api, Json.createObjectBuilder().add("session_id", sessionId)
                .add("prompt", "/slow 300 " + "word ".repeat(20)).build()).getString("id");
        var queued = submit(api, Json.createObjectBuilder().add("session_id", sessionId).add("prompt", "later").build())
                .getString("id");
        assertEquals("cancelled", api.delete("/jobs/" + queued).json().getString("status"));
        api.post("/jobs/" + blocker + "/cancel", "");
        var never = awaitTerminal(api, queued);
        assertEquals(0, never.getInt("attempts"), never.toString());
        assertFalse(never.containsKey("started_at"), never.toString());

        // newest first, page by page
        var first = api.get("/jobs?limit=1").json();
        assertEquals(queued, first.getJsonArray("items").getJsonObject(0).getString("id"));
        var second = api.get("/jobs?limit=1&after=" + first.getString("next_cursor")).json();
        assertEquals(blocker, second.getJsonArray("items").getJsonObject(0).getString("id"));
    }

    @Test
    void aFinishedJobIsAnnouncedByASignedWebhookThatIsRetriedUntilAccepted() throws Exception {
        var received = new CopyOnWriteArrayList<Map<String, String>>();
        var calls = new AtomicInteger();
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            received.add(Map.of("id", headers.getFirst("webhook-id"), "timestamp", headers.getFirst("webhook-timestamp"),
                    "signature", headers.getFirst("webhook-signature"), "body", body));
            // the receiver is down twice before it accepts
            int status = calls.incrementAndGet() <= 2 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            var secret = "whsec_" + Base64.getEncoder().encodeToString("a-test-secret-of-32-bytes-length".getBytes(StandardCharsets.UTF_8));
            var submitted = submit(api, Json.createObjectBuilder().add("prompt", "tell the hook")
                    .add("webhook", Json.createObjectBuilder()
                            .add("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook").add("secret", secret))
                    .build());
            var jobId = submitted.getString("id");
            assertEquals(secret, submitted.getJsonObject("webhook").getString("secret"));

            var job = Await.until("the webhook to be delivered", Duration.ofSeconds(60), () -> api.get("/jobs/" + jobId).json(),
                    j -> j.containsKey("webhook") && j.getJsonObject("webhook").containsKey("deliveries")
                            && !j.getJsonObject("webhook").getJsonArray("deliveries").isEmpty()
                            && j.getJsonObject("webhook").getJsonArray("deliveries").getJsonObject(0).getString("status").equals("delivered"));
            assertFalse(job.getJsonObject("webhook").containsKey("secret"), "the secret is shown only at submission");
            var delivery = job.getJsonObject("webhook").getJsonArray("deliveries").getJsonObject(0);
            assertEquals("job.completed", delivery.getString("event_type"));
            assertEquals(3, delivery.getInt("attempts"));
            var log = delivery.getJsonArray("log");
            assertEquals(List.of(500, 500, 204), log.stream().map(a -> a.asJsonObject().getInt("status_code")).toList());

            assertEquals(3, received.size());
            assertEquals(1, received.stream().map(r -> r.get("id")).distinct().count(), "one message id across retries");
            for (var request : received) {
                var expected = sign(secret, request.get("id"), request.get("timestamp"), request.get("body"));
                assertEquals(expected, request.get("signature"));
                assertTrue(Math.abs(Long.parseLong(request.get("timestamp")) - System.currentTimeMillis() / 1000) < 120);
            }
            var payload = Json.createReader(new StringReader(received.get(2).get("body"))).readObject();
            assertEquals("job.completed", payload.getString("type"));
            assertEquals(jobId, payload.getJsonObject("data").getString("id"));
            assertEquals("completed", payload.getJsonObject("data").getString("status"));
            assertEquals("echo: tell the hook", payload.getJsonObject("data").getString("answer"));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aJobThatKeepsFailingIsRetriedThenDeadLettered() {
        var submitted = submit(api, Json.createObjectBuilder().add("prompt", "fail 503").add("model", "openai/gpt-test").build());
        var jobId = submitted.getString("id");
        var job = awaitTerminal(api, jobId);
        assertEquals("failed", job.getString("status"), job.toString());
        assertEquals("model-unavailable", job.getJsonObject("error").getString("code"));
        assertEquals(3, job.getInt("attempts"));
        assertEquals(3, job.getInt("max_attempts"));
        assertTrue(job.containsKey("dead_lettered_at"), job.toString());

        var events = api.get("/session/" + job.getString("session_id") + "/events?limit=500").json().getJsonArray("items");
        var types = events.stream().map(e -> e.asJsonObject().getString("type")).toList();
        assertEquals(2, types.stream().filter("prompt.retrying"::equals).count(), types.toString());
        assertEquals(3, types.stream().filter("job.started"::equals).count(), types.toString());
        assertEquals(1, types.stream().filter("job.failed"::equals).count(), types.toString());

        assertEquals(403, api.get("/admin/dead-letters").status());
        var admin = server.api("operator");
        admin = admin.as(server.tokenFor("operator", "user", "admin"));
        var letters = admin.get("/admin/dead-letters?limit=200");
        assertEquals(200, letters.status(), letters.body());
        var letter = letters.json().getJsonArray("items").stream().map(v -> v.asJsonObject())
                .filter(l -> l.getString("job_id").equals(jobId)).findFirst().orElseThrow(() -> new AssertionError(letters.body()));
        assertEquals("model-unavailable", letter.getJsonObject("error").getString("code"));
        assertEquals(3, letter.getInt("attempts"));
        // paged by message id: walking one at a time meets every letter once, this one among them
        var walked = new java.util.ArrayList<String>();
        String cursor = null;
        do {
            var page = admin.get("/admin/dead-letters?limit=1" + (cursor == null ? "" : "&after=" + cursor)).json();
            page.getJsonArray("items").forEach(v -> walked.add(v.asJsonObject().getString("message_id")));
            cursor = page.getString("next_cursor", null);
        } while (cursor != null && walked.size() < 1000);
        assertEquals(letters.json().getJsonArray("items").stream().map(v -> v.asJsonObject().getString("message_id")).toList(),
                walked);
        // newest first, a page at a time: the same letters backwards
        var backwards = admin.pages("/admin/dead-letters?order=desc", 1).stream().map(l -> l.getString("message_id"))
                .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        java.util.Collections.reverse(backwards);
        assertEquals(walked, backwards);
        assertValidationFailed(admin.get("/admin/dead-letters?order=newest"));
        assertEquals(204, admin.delete("/admin/dead-letters/" + jobId).status());
        assertEquals(404, admin.delete("/admin/dead-letters/" + jobId).status());
    }

    @Test
    void aJobSubscriptionSeesTheJobsEventsInOrderAndNothingElse() throws Exception {
        var sessionId = api.createSession();
        try (var ws = WsClient.connect(server, "/ws", server.tokenFor("jobs-user", "user"))) {
            var other = submit(api, Json.createObjectBuilder().add("session_id", sessionId).add("prompt", "/slow 20 not this one").build());
            var jobId = submit(api, Json.createObjectBuilder().add("session_id", sessionId)
                    .add("prompt", tools("[{\"name\":\"report_progress\",\"arguments\":{\"percent\":50}}]")).build())
                    .getString("id");
            ws.send(Json.createObjectBuilder().add("type", "subscribe").add("job_id", jobId).add("after", 0).build().toString());
            var frames = ws.until(f -> "job.completed".equals(f.getString("type")), Duration.ofSeconds(30));
            var events = frames.stream().filter(f -> f.containsKey("stream")).toList();
            assertTrue(events.stream().allMatch(f -> jobId.equals(f.getString("prompt_id", ""))), events.toString());
            var types = events.stream().map(f -> f.getString("type")).toList();
            assertEquals(List.of("prompt.queued", "job.queued", "prompt.started", "job.started"), types.subList(0, 4));
            assertTrue(types.indexOf("job.started") < types.indexOf("job.progress"), types.toString());
            assertTrue(types.indexOf("prompt.completed") < types.indexOf("job.completed"), types.toString());
            assertFalse(events.stream().anyMatch(f -> other.getString("id").equals(f.getString("prompt_id", ""))));
        }
        assertEquals(404, status("/events?job_id=" + UUID.randomUUID() + "&access_token=" + server.tokenFor("jobs-user", "user")));
    }

    @Test
    void aJobStreamTokenFollowsThatJobAndNothingElse() throws Exception {
        var sessionId = api.createSession();
        var other = submit(api, Json.createObjectBuilder().add("session_id", sessionId).add("prompt", "not for the browser")
                .build()).getString("id");
        var jobId = submit(api, Json.createObjectBuilder().add("session_id", sessionId)
                .add("prompt", "/slow 30 for the browser").build()).getString("id");
        var issued = api.post("/jobs/" + jobId + "/stream-token", "");
        assertEquals(200, issued.status(), issued.body());
        var token = issued.json().getString("token");
        assertEquals(404, server.api("jobs-stranger").post("/jobs/" + jobId + "/stream-token", "").status());

        // an EventSource with only the token: the job's events, from its start, and nothing else
        var request = HttpRequest.newBuilder(server.base().resolve("/events?after=0&access_token=" + token)).build();
        var lines = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, lines.statusCode());
        var types = new ArrayList<String>();
        var events = CompletableFuture.supplyAsync(() -> {
            try (var stream = lines.body()) {
                var iterator = stream.iterator();
                while (iterator.hasNext()) {
                    var line = iterator.next();
                    if (line.startsWith("data:")) {
                        var event = Json.createReader(new StringReader(line.substring(5).strip())).readObject();
                        assertEquals(jobId, event.getString("prompt_id"), event.toString());
                        types.add(event.getString("type"));
                        if (event.getString("type").equals("job.completed")) {
                            return types;
                        }
                    }
                }
                return types;
            }
        });
        var seen = events.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("job.completed", seen.get(seen.size() - 1), seen.toString());
        assertTrue(seen.contains("message.delta"), seen.toString());

        assertEquals(403, status("/events?session_id=" + sessionId + "&access_token=" + token));
        assertEquals(403, status("/events?job_id=" + other + "&access_token=" + token));
        assertEquals(403, status("/session/" + sessionId + "/events?access_token=" + token));
        assertEquals(401, api.as(token).get("/jobs/" + jobId).status());
        try (var ws = WsClient.connect(server, "/ws?access_token=" + token, null)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\"}");
            assertEquals("forbidden", ws.next(Duration.ofSeconds(10)).getString("code"));
            ws.send("{\"type\":\"subscribe\",\"job_id\":\"" + other + "\"}");
            assertEquals("forbidden", ws.next(Duration.ofSeconds(10)).getString("code"));
            ws.send("{\"type\":\"subscribe\",\"job_id\":\"" + jobId + "\",\"after\":0}");
            var frames = ws.until(f -> "job.completed".equals(f.getString("type")), Duration.ofSeconds(20));
            assertTrue(frames.stream().filter(f -> f.containsKey("stream")).allMatch(f -> jobId.equals(f.getString("prompt_id"))));
        }
    }

    /** The status alone: a stream that was wrongly granted must fail the test, not hang it. */
    static int status(String path) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve(path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }

    @Test
    void fiveHundredJobsSubmittedAtOnceEachFinishExactlyOnce() throws Exception {
        int jobs = 500;
        var owner = "jobs-bulk-user";
        var bulk = server.api(owner);
        // HTTP/1.1 as most clients: the JDK's h2c upgrade would multiplex all 500 on one connection
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(32)).build();
        var token = server.tokenFor(owner, "user");
        long started = System.nanoTime();
        var futures = new ArrayList<CompletableFuture<String>>();
        var retried = new AtomicInteger();
        for (int i = 0; i < jobs; i++) {
            var request = HttpRequest.newBuilder(server.base().resolve("/submit"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Idempotency-Key", "bulk-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"bulk job " + i + "\"}")).build();
            futures.add(submitRetrying(client, request, retried));
        }
        var ids = ConcurrentHashMap.<String>newKeySet();
        for (var future : futures) {
            ids.add(Json.createReader(new StringReader(future.join())).readObject().getString("id"));
        }
        assertEquals(jobs, ids.size());
        Await.until("all jobs to finish", Duration.ofSeconds(240), () -> bulk.get("/jobs?status=queued,running&limit=1")
                .json().getJsonArray("items").size(), remaining -> remaining == 0);
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info(String.format("%d jobs submitted and finished in %.1f s (%.1f jobs/s), %d submissions retried after 503",
                jobs, seconds, jobs / seconds, retried.get()));

        try (var db = server.database()) {
            try (var statuses = db.prepareStatement("""
                    SELECT p.status, count(*), sum(p.attempts) FROM job j JOIN prompt p ON p.id = j.id
                    WHERE j.owner = ? GROUP BY p.status""")) {
                statuses.setString(1, owner);
                try (var rows = statuses.executeQuery()) {
                    assertTrue(rows.next());
                    assertEquals("completed", rows.getString(1));
                    assertEquals(jobs, rows.getInt(2));
                    assertEquals(jobs, rows.getInt(3), "each job ran once");
                    assertFalse(rows.next(), "no job in another status");
                }
            }
            try (var answers = db.prepareStatement("""
                    SELECT count(*), count(DISTINCT m.prompt_id) FROM message m JOIN job j ON j.id = m.prompt_id
                    WHERE j.owner = ? AND m.role = 'assistant'""")) {
                answers.setString(1, owner);
                try (var rows = answers.executeQuery()) {
                    rows.next();
                    assertEquals(jobs, rows.getInt(1), "one answer per job");
                    assertEquals(jobs, rows.getInt(2));
                }
            }
            try (var ends = db.prepareStatement("""
                    SELECT count(*), count(DISTINCT prompt_id) FROM event WHERE owner = ? AND type = 'job.completed'""")) {
                ends.setString(1, owner);
                try (var rows = ends.executeQuery()) {
                    rows.next();
                    assertEquals(jobs, rows.getInt(1), "one job.completed per job");
                    assertEquals(jobs, rows.getInt(2));
                }
            }
        }
    }

    /**
     * A well-behaved client: a 503 (every database connection busy) is retried after its
     * Retry-After with the same Idempotency-Key, so the job is still submitted exactly once.
     */
    static CompletableFuture<String> submitRetrying(HttpClient client, HttpRequest request, AtomicInteger retried) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
                retried.incrementAndGet();
                long pause = Long.parseLong(response.headers().firstValue("Retry-After").get());
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(pause, java.util.concurrent.TimeUnit.SECONDS))
                        .thenCompose(ignored -> submitRetrying(client, request, retried));
            }
            assertEquals(202, response.statusCode(), response.body());
            return CompletableFuture.completedFuture(response.body());
        });
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Standard Webhooks, computed independently of the server's code. */
    static String sign(String secret, String id, String timestamp, String body) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }
}
