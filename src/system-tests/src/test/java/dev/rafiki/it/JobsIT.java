package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rafiki.client.Artifact;
import dev.rafiki.client.Event;
import dev.rafiki.client.EventListener;
import dev.rafiki.client.Job;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.Page;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.RetryPolicy;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Background jobs through the public surface: submission, status, progress, artifacts
 * (download, ETag, Range), cancellation, signed webhooks with retries, the dead-letter path,
 * job events, and many jobs at once, each finishing exactly once. Through the Java client; raw
 * {@link Api} calls remain only where the wire itself is tested.
 */
class JobsIT {

    private static final Logger LOG = Logger.getLogger(JobsIT.class.getName());

    static RafikiServer server;
    static Api api;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("jobs-user");
        rafiki = server.client("jobs-user");
    }

    @AfterAll
    static void stop() {
        rafiki.close();
    }

    /** The job once it ended, awaited by its events. */
    static Job awaitTerminal(UUID jobId) {
        var job = rafiki.jobs().await(jobId, Duration.ofSeconds(90));
        assertTrue(job.terminal(), job.toString());
        return job;
    }

    static String tools(String json) {
        return "/tools " + json;
    }

    /** The names of every artifact, read one page of one at a time in the options' order. */
    static List<String> names(UUID jobId, ListOptions order) {
        var names = new ArrayList<String>();
        String cursor = null;
        do {
            Page<Artifact> page = rafiki.jobs().artifacts(jobId, order.after(cursor));
            page.items().forEach(a -> names.add(a.name()));
            cursor = page.nextCursor();
        } while (cursor != null && names.size() < 100);
        return names;
    }

    static void assertValidationFailed(Api.Response response) {
        assertEquals(400, response.status(), response.body());
        assertEquals("application/problem+json", response.contentType());
        assertEquals("validation-failed", response.json().getString("code"), response.body());
    }

    @Test
    void webhookUrlsOnDocumentationAndBroadcastAddressesAreRefusedEvenWherePrivateNetworksAreAllowed() {
        // raw: the refusal's problem+json body (its content type, no stack trace in it) is the point
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
    void theAnswerToASubmissionIsWhatAReadOfTheJobShows() {
        var body = Json.createObjectBuilder().add("prompt", "answered as stored")
                .add("metadata", Json.createObjectBuilder().add("ticket", "T-1").add("n", 3)).build().toString();
        var submitted = api.post("/submit", body);
        assertEquals(202, submitted.status(), submitted.body());
        var answer = submitted.json();
        var read = api.get("/jobs/" + answer.getString("id"));
        assertEquals(200, read.status(), read.body());
        if (answer.getString("status").equals("completed")) {
            // an echo job usually ends within the commit that accepts it: every field agrees
            assertEquals(read.json(), answer);
        } else {
            // it ran past the lane's hold: what cannot change since agrees
            for (var field : List.of("id", "session_id", "prompt", "metadata", "created_at", "started_at", "max_attempts")) {
                assertEquals(read.json().get(field), answer.get(field), field);
            }
        }
        assertEquals("T-1", answer.getJsonObject("metadata").getString("ticket"));
        assertEquals(List.of(), answer.getJsonArray("artifacts"));
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
        var submitted = rafiki.jobs().submit(SubmitRequest.of(tools(script.toString()))
                .withMetadata(Json.createObjectBuilder().add("customer", "acme").build()));
        var jobId = submitted.id();
        assertTrue(List.of("queued", "running", "completed").contains(submitted.status()), submitted.toString());
        assertEquals("/jobs/" + jobId, submitted.links().self());

        var job = awaitTerminal(jobId);
        assertEquals("completed", job.status(), job.toString());
        assertTrue(job.answer().contains("save_artifact returned: saved artifact 'notes.txt'"), job.toString());
        assertEquals(60, job.progress().percent());
        assertEquals("report written", job.progress().message());
        assertEquals("acme", job.metadata().getString("customer"));
        // a job is its prompt: the same id, status word and answer in the same place
        // raw: which member names the wire uses (no job_id, no result) is what a typed view cannot show
        var wire = api.get("/jobs/" + jobId).json();
        assertFalse(wire.containsKey("job_id") || wire.containsKey("result"), wire.toString());
        var prompt = rafiki.sessions().prompt(job.sessionId(), jobId);
        assertEquals(prompt.status(), job.status());
        assertEquals(prompt.answer(), job.answer());
        assertEquals(job.metadata(), prompt.metadata(), "the job's metadata is its prompt's");
        assertEquals(1, job.attempts());
        assertEquals(4, job.usage().toolCalls());
        assertNotNull(job.finishedAt());

        var artifacts = rafiki.jobs().artifacts(jobId);
        assertEquals(2, artifacts.size(), artifacts.toString());
        // one page at a time, by name
        var first = rafiki.jobs().artifacts(jobId, ListOptions.limit(1));
        assertEquals("notes.txt", first.items().get(0).name());
        var second = rafiki.jobs().artifacts(jobId, ListOptions.limit(1).after(first.nextCursor()));
        assertEquals("report.csv", second.items().get(0).name());
        assertTrue(second.last(), second.toString());
        // both directions, a page at a time: each artifact once, in name order or backwards
        assertEquals(List.of("notes.txt", "report.csv"), names(jobId, ListOptions.limit(1).ascending()));
        assertEquals(List.of("report.csv", "notes.txt"), names(jobId, ListOptions.limit(1).descending()));
        var base = "/jobs/" + jobId + "/artifacts";
        // raw: an order the client cannot send, and the problem+json of a limit out of range
        assertValidationFailed(api.get(base + "?order=sideways"));
        assertValidationFailed(api.get(base + "?limit=201"));
        var report = artifacts.stream().filter(a -> a.name().equals("report.csv")).findFirst().orElseThrow();
        assertEquals(csv.length(), report.size());
        assertEquals(sha256(csv.getBytes(StandardCharsets.UTF_8)), report.sha256());
        assertEquals("text/csv", report.contentType());
        assertTrue(report.toolCallId().startsWith("echo-call-"), report.toString());
        assertTrue(report.eventSeq() > 0);

        var saved = rafiki.jobs().download(jobId, report, java.nio.file.Files.createTempDirectory("jobs-it").resolve("report.csv"));
        assertEquals(csv, java.nio.file.Files.readString(saved.path()));
        assertEquals(csv.length(), saved.size());

        // raw from here to the 416: the download's headers, conditional and ranged requests are the wire
        var download = api.get("/jobs/" + jobId + "/artifacts/report.csv");
        assertEquals(200, download.status());
        assertEquals(csv, download.body());
        assertTrue(download.contentType().startsWith("text/csv"), download.contentType());
        assertEquals(Integer.toString(csv.length()), download.header("Content-Length"));
        var etag = download.header("ETag");
        assertEquals("\"" + report.sha256() + "\"", etag);
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

        var elsewhere = java.nio.file.Files.createTempDirectory("jobs-it");
        assertEquals(404, assertThrows(RafikiException.class,
                () -> rafiki.jobs().download(jobId, "missing.txt", elsewhere.resolve("missing.txt"))).status());
        try (var stranger = server.client("jobs-stranger")) {
            assertEquals(404, assertThrows(RafikiException.class, () -> stranger.jobs().get(jobId)).status());
            assertEquals(404, assertThrows(RafikiException.class, () -> stranger.jobs().artifacts(jobId)).status());
            assertEquals(404, assertThrows(RafikiException.class,
                    () -> stranger.jobs().download(jobId, "report.csv", elsewhere.resolve("report.csv"))).status());
            assertEquals(404, assertThrows(RafikiException.class, () -> stranger.jobs().cancel(jobId)).status());
        }

        var completed = rafiki.jobs().list(ListOptions.limit(200), "completed").items();
        assertTrue(completed.stream().anyMatch(j -> j.id().equals(jobId)));
        var running = rafiki.jobs().list(ListOptions.first(), "running", "queued").items();
        assertFalse(running.stream().anyMatch(j -> j.id().equals(jobId)));
        assertEquals(400, assertThrows(RafikiException.class, () -> rafiki.jobs().list(ListOptions.first(), "done")).status());
        assertEquals(400, assertThrows(RafikiException.class, () -> rafiki.jobs().list(ListOptions.first(), "succeeded")).status(),
                "one vocabulary: completed");
    }

    @Test
    void theSameIdempotencyKeyGivesOneJobAndAnotherBodyUnderItIsAConflict() throws Exception {
        var key = "job-" + UUID.randomUUID();
        var body = Json.createObjectBuilder().add("prompt", "once only").build().toString();
        var pool = Executors.newFixedThreadPool(8);
        try {
            var attempts = new ArrayList<CompletableFuture<Job>>();
            for (int i = 0; i < 8; i++) {
                attempts.add(CompletableFuture.supplyAsync(
                        () -> rafiki.jobs().submit(SubmitRequest.of("once only").withIdempotencyKey(key)), pool));
            }
            var ids = new HashSet<UUID>();
            for (var attempt : attempts) {
                ids.add(attempt.join().id());
            }
            assertEquals(1, ids.size(), ids.toString());
            var jobId = ids.iterator().next();
            // raw: the replay's Idempotent-Replayed and Location headers are the wire
            var replay = api.post("/submit", body, "Idempotency-Key", key);
            assertEquals(202, replay.status(), replay.body());
            assertEquals("true", replay.header("Idempotent-Replayed"));
            assertEquals(jobId.toString(), replay.json().getString("id"));
            assertTrue(replay.header("Location").endsWith("/jobs/" + jobId), replay.header("Location"));
            var other = assertThrows(RafikiException.class,
                    () -> rafiki.jobs().submit(SubmitRequest.of("something else").withIdempotencyKey(key)));
            assertEquals(409, other.status());
            assertEquals("idempotency-key-reused", other.code());
            awaitTerminal(jobId);
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
        var jobId = rafiki.jobs().submit("/slow 300 " + "word ".repeat(100)).id();
        Await.until("the job to run", Duration.ofSeconds(30), () -> rafiki.jobs().get(jobId),
                job -> job.status().equals("running"));
        assertEquals("cancelled", rafiki.jobs().cancel(jobId).status());
        assertEquals("cancelled", rafiki.jobs().cancel(jobId).status(), "cancelling again is harmless");
        // raw: DELETE /jobs/{id} is an alias of cancel the client does not name
        var deleted = api.delete("/jobs/" + jobId);
        assertEquals(200, deleted.status());
        assertEquals("cancelled", deleted.json().getString("status"));
        var job = rafiki.jobs().get(jobId);
        assertEquals("cancelled", job.status());
        assertTrue(job.usage().outputTokens() < 100, job.toString());

        // a queued job is taken off the queue: it never starts
        var sessionId = rafiki.sessions().create().id();
        var blocker = rafiki.jobs().submit(SubmitRequest.of("/slow 300 " + "word ".repeat(20)).inSession(sessionId)).id();
        var queued = rafiki.jobs().submit(SubmitRequest.of("later").inSession(sessionId)).id();
        assertEquals("cancelled", rafiki.jobs().cancel(queued).status());
        rafiki.jobs().cancel(blocker);
        var never = awaitTerminal(queued);
        assertEquals(0, never.attempts(), never.toString());
        assertNull(never.startedAt(), never.toString());

        // newest first, page by page
        var first = rafiki.jobs().list(ListOptions.limit(1));
        assertEquals(queued, first.items().get(0).id());
        var second = rafiki.jobs().list(ListOptions.limit(1).after(first.nextCursor()));
        assertEquals(blocker, second.items().get(0).id());
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
            var submitted = rafiki.jobs().submit(SubmitRequest.of("tell the hook")
                    .withWebhook("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", secret));
            var jobId = submitted.id().toString();
            assertEquals(secret, submitted.webhook().secret());

            var job = Await.until("the webhook to be delivered", Duration.ofSeconds(60), () -> rafiki.jobs().get(submitted.id()),
                    j -> j.webhook() != null && j.webhook().deliveries() != null && !j.webhook().deliveries().isEmpty()
                            && j.webhook().deliveries().get(0).status().equals("delivered"));
            assertNull(job.webhook().secret(), "the secret is shown only at submission");
            var delivery = job.webhook().deliveries().get(0);
            assertEquals("job.completed", delivery.eventType());
            assertEquals(3, delivery.attempts());
            assertEquals(List.of(500, 500, 204), delivery.log().stream().map(Job.Attempt::statusCode).toList());

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
        var jobId = rafiki.jobs().submit(SubmitRequest.of("fail 503").withModel("openai/gpt-test")).id();
        var job = awaitTerminal(jobId);
        assertEquals("failed", job.status(), job.toString());
        assertEquals("model-unavailable", job.error().code());
        assertEquals(3, job.attempts());
        assertEquals(3, job.maxAttempts());
        assertNotNull(job.deadLetteredAt(), job.toString());

        var types = rafiki.sessions().events(job.sessionId(), 0, 500).items().stream().map(Event::type).toList();
        assertEquals(2, types.stream().filter("prompt.retrying"::equals).count(), types.toString());
        assertEquals(3, types.stream().filter("job.started"::equals).count(), types.toString());
        assertEquals(1, types.stream().filter("job.failed"::equals).count(), types.toString());

        assertEquals(403, assertThrows(RafikiException.class, () -> rafiki.admin().deadLetters(ListOptions.first())).status());
        try (var admin = RafikiClient.builder(server.base()).token(server.tokenFor("operator", "user", "admin")).build()) {
            var letters = admin.admin().deadLetters(ListOptions.limit(200)).items();
            var letter = letters.stream().filter(l -> l.getString("job_id").equals(jobId.toString())).findFirst()
                    .orElseThrow(() -> new AssertionError(letters.toString()));
            assertEquals("model-unavailable", letter.getJsonObject("error").getString("code"));
            assertEquals(3, letter.getInt("attempts"));
            // paged by message id: walking one at a time meets every letter once, this one among them
            var walked = walk(admin, ListOptions.limit(1));
            assertEquals(letters.stream().map(l -> l.getString("message_id")).toList(), walked);
            // newest first, a page at a time: the same letters backwards
            var backwards = walk(admin, ListOptions.limit(1).descending());
            java.util.Collections.reverse(backwards);
            assertEquals(walked, backwards);
            // raw: an order the client cannot send, refused as problem+json
            assertValidationFailed(api.as(server.tokenFor("operator", "user", "admin")).get("/admin/dead-letters?order=newest"));
            admin.admin().removeDeadLetter(jobId);
            assertEquals(404, assertThrows(RafikiException.class, () -> admin.admin().removeDeadLetter(jobId)).status());
        }
    }

    /** The message ids of every dead letter, one page at a time. */
    static List<String> walk(RafikiClient admin, ListOptions options) {
        var walked = new ArrayList<String>();
        String cursor = null;
        do {
            var page = admin.admin().deadLetters(options.after(cursor));
            page.items().forEach(l -> walked.add(l.getString("message_id")));
            cursor = page.nextCursor();
        } while (cursor != null && walked.size() < 1000);
        return walked;
    }

    @Test
    void aJobSubscriptionSeesTheJobsEventsInOrderAndNothingElse() throws Exception {
        var sessionId = rafiki.sessions().create().id();
        var other = rafiki.jobs().submit(SubmitRequest.of("/slow 20 not this one").inSession(sessionId)).id();
        var jobId = rafiki.jobs().submit(SubmitRequest.of(tools("[{\"name\":\"report_progress\",\"arguments\":{\"percent\":50}}]"))
                .inSession(sessionId)).id();
        var events = new CopyOnWriteArrayList<Event>();
        var completed = new CompletableFuture<Void>();
        try (var subscription = rafiki.events().job(jobId).after(0).overWebSocket().subscribe(new EventListener() {
            @Override
            public void onEvent(Event event) {
                events.add(event);
                if (Event.JOB_COMPLETED.equals(event.type())) {
                    completed.complete(null);
                }
            }

            @Override
            public void onError(RafikiException failure) {
                completed.completeExceptionally(failure);
            }
        })) {
            completed.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertTrue(events.stream().allMatch(e -> jobId.equals(e.promptId())), events.toString());
        var types = events.stream().map(Event::type).toList();
        assertEquals(List.of("prompt.queued", "job.queued", "prompt.started", "job.started"), types.subList(0, 4));
        assertTrue(types.indexOf("job.started") < types.indexOf("job.progress"), types.toString());
        assertTrue(types.indexOf("prompt.completed") < types.indexOf("job.completed"), types.toString());
        assertFalse(events.stream().anyMatch(e -> other.equals(e.promptId())));

        try (var missing = rafiki.events().job(UUID.randomUUID()).subscribe(event -> { })) {
            var refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> missing.done().get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(404, ((RafikiException) refused.getCause()).status(), String.valueOf(refused.getCause()));
        }
    }

    @Test
    void aJobStreamTokenFollowsThatJobAndNothingElse() throws Exception {
        var sessionId = rafiki.sessions().create().id().toString();
        var other = rafiki.jobs().submit(SubmitRequest.of("not for the browser").inSession(UUID.fromString(sessionId))).id().toString();
        var job = rafiki.jobs().submit(SubmitRequest.of("/slow 30 for the browser").inSession(UUID.fromString(sessionId))).id();
        var jobId = job.toString();
        var token = rafiki.jobs().streamToken(job).token();
        try (var stranger = server.client("jobs-stranger")) {
            assertEquals(404, assertThrows(RafikiException.class, () -> stranger.jobs().streamToken(job)).status());
        }

        // raw from here: what a browser does with the token alone (an EventSource, a WebSocket with
        // access_token in the query) and what the token may not do are the wire
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
        // the client over 32 threads (HTTP/1.1 connections): a 503 while every database connection
        // is busy is retried after its Retry-After with the same Idempotency-Key, so each job is
        // still submitted exactly once; tried far more often than by default, as the storm may last
        var pool = Executors.newFixedThreadPool(32);
        try (var bulk = RafikiClient.builder(server.base()).token(server.tokenFor(owner, "user"))
                .retries(RetryPolicy.defaults().withMaxAttempts(100)).build()) {
            long started = System.nanoTime();
            var futures = new ArrayList<CompletableFuture<Job>>();
            for (int i = 0; i < jobs; i++) {
                var request = SubmitRequest.of("bulk job " + i).withIdempotencyKey("bulk-" + i);
                futures.add(CompletableFuture.supplyAsync(() -> bulk.jobs().submit(request), pool));
            }
            var ids = ConcurrentHashMap.<UUID>newKeySet();
            for (var future : futures) {
                ids.add(future.join().id());
            }
            assertEquals(jobs, ids.size());
            Await.until("all jobs to finish", Duration.ofSeconds(240),
                    () -> bulk.jobs().list(ListOptions.limit(1), "queued", "running").items().size(), remaining -> remaining == 0);
            double seconds = (System.nanoTime() - started) / 1e9;
            LOG.info(String.format("%d jobs submitted and finished in %.1f s (%.1f jobs/s)", jobs, seconds, jobs / seconds));
        } finally {
            pool.shutdownNow();
        }

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
