package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metrics and logs as an operator gets them: {@code /metrics} scraped over HTTP while real
 * requests, prompts and streams run, and the server's log read as JSON. Its own server (not the
 * shared one): the gauges and counters are asserted exactly, which other tests' traffic would
 * blur; and it runs the operator settings, JSON logs and a role required for {@code /metrics}.
 * Test methods wait for their own prompts to end, so each starts from a quiet server.
 */
class MetricsIT {

    static final Duration PATIENCE = Duration.ofSeconds(20);
    static RafikiServer server;
    static Api api;
    static Api scraper;

    @BeforeAll
    static void start() {
        server = RafikiServer.start("metrics", RafikiServer.env(
                "RAFIKI_LOG_FORMAT", "json",
                "RAFIKI_METRICS_ROLE", "ops",
                "RAFIKI_METRICS_REFRESH_SECONDS", "1",
                // an SSE client that left is noticed at the next keep-alive
                "RAFIKI_EVENTS_KEEP_ALIVE_SECONDS", "1",
                // few sessions in memory, so that one-off sessions push some out
                "RAFIKI_PROMPT_FAST_LANE_SESSIONS", "20"));
        api = server.api("metrics-user");
        scraper = api.as(server.tokenFor("prometheus", "ops"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    String scrape() {
        var response = scraper.get("/metrics");
        assertEquals(200, response.status(), response.body());
        return response.body();
    }

    /** The value of the series with these labels (0 when it does not exist yet). */
    static double value(String scrape, String name, Map<String, String> labels) {
        double total = 0;
        boolean found = false;
        for (var line : scrape.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            var labelText = line.substring(name.length(), line.lastIndexOf('}') + 1);
            if (labels.entrySet().stream().allMatch(l -> labelText.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                if (found) {
                    throw new AssertionError("more than one series " + name + labels + " in\n" + scrape);
                }
                found = true;
                total = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    double value(String name, Map<String, String> labels) {
        return value(scrape(), name, labels);
    }

    static final String REQUESTS = "rafiki_http_requests_seconds_count";
    static final Map<String, String> QUERY_OK = Map.of("method", "POST", "route", "/query", "status", "2xx");

    @Test
    void metricsNeedATokenWithTheConfiguredRole() {
        assertEquals(401, api.as(null).get("/metrics").status());
        assertEquals(403, api.get("/metrics").status());
        assertTrue(scrape().contains("rafiki_http_requests"), "the application's metrics are in the scrape");
    }

    @Test
    void requestsAreCountedByRouteTemplateAndStatusClass() {
        var before = scrape();
        var sessionId = api.query(null, "one").getString("session_id");
        api.query(sessionId, "two");
        api.query(sessionId, "three");
        var missing = UUID.randomUUID();
        assertEquals(404, api.get("/session/" + missing).status());
        assertEquals(200, api.get("/session/" + sessionId).status());

        var after = scrape();
        assertEquals(3, value(after, REQUESTS, QUERY_OK) - value(before, REQUESTS, QUERY_OK));
        var session = Map.of("method", "GET", "route", "/session/{id}");
        assertEquals(1, delta(before, after, REQUESTS, with(session, "status", "4xx")));
        assertEquals(1, delta(before, after, REQUESTS, with(session, "status", "2xx")));
        assertTrue(value(after, "rafiki_http_requests_seconds_sum", QUERY_OK) > 0);
        assertTrue(!after.contains(missing.toString()) && !after.contains(sessionId), "no series per id");
    }

    @Test
    void aMethodNameAClientMakesUpIsCountedAsOtherNotAsANewSeries() {
        var other = Map.of("method", "other", "route", "unmatched");
        var before = scrape();
        int status = api.send("BREW", "/query", null, null).status();
        assertTrue(status >= 400 && status < 500, "refused: " + status);
        var after = scrape();
        assertEquals(1, delta(before, after, REQUESTS, with(other, "status", "4xx")));
        assertTrue(!after.contains("BREW"), "no series named after the client's method");
    }

    @Test
    void aSessionInUseStaysInMemoryWhileOneOffSessionsComeAndGo() {
        var loaded = "rafiki_sessions_loaded_total";
        for (int i = 0; i < 30; i++) {
            api.query(null, "a one-off session " + i); // as each job without a session makes one
        }
        // a node's memory full of sessions used once, and then a session in use
        var hot = api.query(null, "a session in use").getString("session_id");
        var before = value(loaded, Map.of());
        for (int i = 0; i < 30; i++) {
            assertEquals("completed", api.query(hot, "still in use " + i).getString("status"));
            api.query(null, "another one-off session " + i);
        }
        assertEquals(0, value(loaded, Map.of()) - before,
                "with room for 20 sessions and 60 used once, the session in use was never read again");
        var coldest = api.query(null, "used once, long ago").getString("session_id");
        for (int i = 0; i < 30; i++) {
            api.query(null, "another one-off session " + i);
        }
        var messages = api.query(coldest, "and now again");
        assertEquals("completed", messages.getString("status"));
        assertEquals(1, value(loaded, Map.of()) - before, "the least recently used session was evicted and read back");
    }

    @Test
    void promptOutcomesDurationsAndTokensAreCounted() {
        var completed = Map.of("status", "completed");
        var input = Map.of("provider", "echo", "direction", "input");
        var output = Map.of("provider", "echo", "direction", "output");
        var before = scrape();

        var first = api.query(null, "three little words");
        var second = api.query(first.getString("session_id"), "and two");
        var cancelled = api.post("/query", "{\"prompt\":\"/slow 200 a b c d e f g h\"}", "Prefer", "respond-async").json();
        api.post("/session/" + cancelled.getString("session_id") + "/stop", "");
        awaitTerminal(cancelled);

        var after = scrape();
        assertEquals(2, delta(before, after, "rafiki_prompts_finished_total", completed));
        assertEquals(1, delta(before, after, "rafiki_prompts_finished_total", Map.of("status", "cancelled")));
        assertEquals(2, delta(before, after, "rafiki_prompt_run_duration_seconds_count", completed));
        long inputTokens = tokens(first, "input_tokens") + tokens(second, "input_tokens");
        long outputTokens = tokens(first, "output_tokens") + tokens(second, "output_tokens");
        assertTrue(inputTokens > 0 && outputTokens > 0);
        // the cancelled prompt used tokens too, as many as its answer shows
        var stopped = api.get("/session/" + cancelled.getString("session_id") + "/prompts/" + cancelled.getString("id")).json();
        assertEquals(inputTokens + tokens(stopped, "input_tokens"), delta(before, after, "rafiki_model_tokens_total", input));
        assertEquals(outputTokens + tokens(stopped, "output_tokens"), delta(before, after, "rafiki_model_tokens_total", output));
    }

    @Test
    void queueDepthsShowRunningAndQueuedPromptsThenDrain() {
        var queued = Map.of("queue", "prompts", "state", "queued");
        var running = Map.of("queue", "prompts", "state", "running");
        var slow = api.post("/query", "{\"prompt\":\"/slow 150 a b c d e f g h i j k l m n o p q r s t\"}", "Prefer", "respond-async").json();
        var sessionId = slow.getString("session_id");
        var behind = api.post("/query", "{\"prompt\":\"next\",\"session_id\":\"" + sessionId + "\"}", "Prefer", "respond-async").json();

        Await.until("one prompt running and one queued", PATIENCE, this::scrape,
                s -> value(s, "rafiki_queue_depth", running) == 1 && value(s, "rafiki_queue_depth", queued) == 1);
        awaitTerminal(behind);
        Await.until("the queue to drain", PATIENCE, this::scrape,
                s -> value(s, "rafiki_queue_depth", running) == 0 && value(s, "rafiki_queue_depth", queued) == 0);
    }

    @Test
    void aRunningJobIsCountedAsAJobAndAsAPrompt() {
        var jobs = Map.of("queue", "jobs", "state", "running");
        var prompts = Map.of("queue", "prompts", "state", "running");
        var job = api.post("/submit", "{\"prompt\":\"/slow 150 a b c d e f g h i j k l m n o p q r s t\"}").json();
        Await.until("the job to be counted", PATIENCE, this::scrape,
                s -> value(s, "rafiki_queue_depth", jobs) == 1 && value(s, "rafiki_queue_depth", prompts) == 1);
        Await.until("the job to end", PATIENCE, () -> api.get("/jobs/" + job.getString("id")).json(),
                j -> j.getString("status").equals("completed"));
        Await.until("the jobs gauge to drain", PATIENCE, this::scrape, s -> value(s, "rafiki_queue_depth", jobs) == 0);
    }

    @Test
    void openStreamsAreCountedByTransportWhileConnected() {
        var ws = Map.of("transport", "ws");
        var queryStream = Map.of("transport", "query_stream");
        assertEquals(0, value("rafiki_streams_connections", ws));
        var sessionId = api.createSession();

        try (var subscriber = WsClient.connect(server, "/ws", server.tokenFor("metrics-user", "user"));
             var streamer = WsClient.connect(server, "/query_stream", server.tokenFor("metrics-user", "user"))) {
            subscriber.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\"}");
            assertEquals("subscribed", subscriber.next(PATIENCE).getString("type"));
            var scrape = scrape();
            assertEquals(1, value(scrape, "rafiki_streams_connections", ws));
            assertEquals(1, value(scrape, "rafiki_streams_connections", queryStream));
            assertEquals(0, value(scrape, "rafiki_streams_connections", Map.of("transport", "sse")));
        }
        Await.until("closed streams to be uncounted", PATIENCE, this::scrape,
                s -> value(s, "rafiki_streams_connections", ws) == 0 && value(s, "rafiki_streams_connections", queryStream) == 0);
    }

    @Test
    void anSseStreamIsCountedUntilItsClientLeaves() throws Exception {
        var sse = Map.of("transport", "sse");
        var sessionId = api.query(null, "a few events").getString("session_id");
        var request = HttpRequest.newBuilder(server.base().resolve("/events?after=0&session_id=" + sessionId))
                .header("Authorization", "Bearer " + server.tokenFor("metrics-user", "user")).build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (var body = response.body()) {
            assertTrue(new String(body.readNBytes(16), StandardCharsets.UTF_8).length() > 0, "the replay has begun");
            assertEquals(1, value("rafiki_streams_connections", sse));
        }
        Await.until("the departed SSE client to be uncounted", PATIENCE, this::scrape,
                s -> value(s, "rafiki_streams_connections", sse) == 0);
    }

    @Test
    void logLinesAreJsonAndCarryTheRequestAndSessionIds() throws IOException {
        var requestId = "metrics-it-" + UUID.randomUUID();
        var response = api.post("/query", "{\"prompt\":\"log me\"}", "X-Request-Id", requestId);
        assertEquals(200, response.status());
        var sessionId = response.json().getString("session_id");

        var line = Await.until("the log line of the request", PATIENCE, () -> logLineWith(requestId), l -> l != null);
        assertEquals(requestId, line.getString("request_id"), line.toString());
        assertEquals(sessionId, line.getString("session_id"), line.toString());
        assertEquals(response.json().getString("id"), line.getString("prompt_id"), line.toString());
        assertTrue(line.getString("LogMessage").startsWith("prompt accepted"), line.toString());
    }

    static JsonObject logLineWith(String requestId) {
        try {
            for (var text : Files.readAllLines(Path.of(System.getProperty("rafiki.it.work", "target/it"), "metrics.log"))) {
                if (text.contains(requestId)) {
                    try (var reader = Json.createReader(new StringReader(text.substring(text.indexOf('{'))))) {
                        return reader.readObject();
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void awaitTerminal(JsonObject accepted) {
        var path = "/session/" + accepted.getString("session_id") + "/prompts/" + accepted.getString("id");
        Await.until("prompt " + accepted.getString("id") + " to end", PATIENCE, () -> api.get(path).json(),
                p -> Pattern.matches("completed|failed|cancelled", p.getString("status")));
    }

    static long tokens(JsonObject prompt, String kind) {
        return prompt.getJsonObject("usage").getJsonNumber(kind).longValue();
    }

    static double delta(String before, String after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    static Map<String, String> with(Map<String, String> labels, String key, String value) {
        var all = new java.util.HashMap<>(labels);
        all.put(key, value);
        return all;
    }
}
