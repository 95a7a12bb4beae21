package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client through a real Jakarta REST implementation (Jersey's client, as a Java SE
 * application would use it) against a scripted HTTP server: what goes over the wire, retries,
 * problem mapping, resumed streams and downloads.
 */
class RafikiClientTest {

    static final UUID SESSION = UUID.fromString("11111111-1111-1111-1111-111111111111");
    static final UUID PROMPT = UUID.fromString("22222222-2222-2222-2222-222222222222");

    HttpServer server;
    RafikiClient client;
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        client = RafikiClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .token(() -> "t0ken")
                .streamBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .sleeper(pause -> pauses.add(pause))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    static String prompt(String status) {
        return "{\"id\":\"" + PROMPT + "\",\"session_id\":\"" + SESSION + "\",\"number\":1,\"status\":\"" + status
                + "\",\"prompt\":\"hi\",\"model\":\"echo\",\"answer\":\"echo: hi\",\"attempts\":1,\"steps\":1,"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"tool_calls\":0,\"tool_seconds\":0.0},"
                + "\"created_at\":\"2026-12-01T10:00:00Z\",\"metadata\":{\"k\":\"v\"},\"some_future_member\":[1]}";
    }

    static void answer(HttpExchange exchange, int status, String contentType, String body, String... headers) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    static void problem(HttpExchange exchange, int status, String code, String... headers) throws IOException {
        answer(exchange, status, "application/problem+json", "{\"type\":\"https://rafiki.dev/problems/" + code
                + "\",\"title\":\"t\",\"status\":" + status + ",\"code\":\"" + code + "\",\"detail\":\"d\",\"request_id\":\"r\"}", headers);
    }

    /** Headers, then half the promised body, then the connection closes: the answer is lost. */
    static void cutOff(HttpExchange exchange, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
        exchange.getResponseBody().flush();
        exchange.getHttpContext().getServer();
        exchange.close();
    }

    @Test
    void aQueryIsRetriedThroughBusyAnswersAndALostReplyWithOneIdempotencyKey() {
        var calls = new AtomicInteger();
        var keys = new CopyOnWriteArrayList<String>();
        server.createContext("/query", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            seen.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + new String(
                    exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            switch (calls.incrementAndGet()) {
                case 1 -> problem(exchange, 503, "service-unavailable", "Retry-After", "2");
                case 2 -> problem(exchange, 429, "rate-limited", "Retry-After", "1");
                case 3 -> cutOff(exchange, prompt("completed"));
                default -> answer(exchange, 200, "application/json", prompt("completed"), "Idempotent-Replayed", "true");
            }
        });
        var answer = client.query(QueryRequest.of("hi").inSession(SESSION).withBusy(Busy.REJECT)
                .withMetadata(Json.createObjectBuilder().add("k", "v").build()));
        assertEquals("echo: hi", answer.answer());
        assertTrue(answer.completed());
        assertEquals(SESSION, answer.sessionId());
        assertEquals(1, answer.number());
        assertEquals(2, answer.usage().outputTokens());
        assertEquals("v", answer.metadata().getString("k"));
        assertEquals(4, calls.get());
        assertEquals(1, keys.stream().distinct().count(), keys.toString());
        assertTrue(keys.get(0).startsWith("rafiki-client-"));
        assertEquals(Duration.ofSeconds(2), pauses.get(0));
        assertEquals(Duration.ofSeconds(1), pauses.get(1));
        assertEquals("Bearer t0ken {\"prompt\":\"hi\",\"session_id\":\"" + SESSION + "\",\"busy\":\"reject\",\"metadata\":{\"k\":\"v\"}}",
                seen.get(0));
    }

    @Test
    void aQueryStillRunningIsAskedAgainWithTheSameKeyUntilItEnds() {
        var calls = new AtomicInteger();
        var keys = new CopyOnWriteArrayList<String>();
        server.createContext("/query", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            seen.add(exchange.getRequestHeaders().getFirst("Prefer"));
            if (calls.incrementAndGet() < 3) {
                answer(exchange, 202, "application/json", prompt("running").replace("}", ",\"result_url\":\"/x\"}"));
            } else {
                answer(exchange, 200, "application/json", prompt("completed"));
            }
        });
        var answer = client.query(QueryRequest.of("hi").withIdempotencyKey("mine"));
        assertEquals("completed", answer.status());
        assertEquals(List.of("mine", "mine", "mine"), keys);
        assertTrue(seen.stream().allMatch(p -> p.startsWith("wait=")), seen.toString());
        assertTrue(pauses.isEmpty(), "a 202 is asked again at once: the server waits");
    }

    @Test
    void refusalsAreOneExceptionWithTheProblemsMembers() {
        server.createContext("/session/" + SESSION, exchange -> problem(exchange, 404, "not-found"));
        server.createContext("/submit", exchange -> problem(exchange, 429, "budget-exceeded", "Retry-After", "7200"));
        var missing = assertThrows(RafikiException.class, () -> client.sessions().get(SESSION));
        assertEquals(404, missing.status());
        assertEquals("not-found", missing.code());
        assertEquals("r", missing.requestId());
        server.createContext("/usage", exchange -> answer(exchange, 200, "text/html", "<html>a captive portal</html>"));
        var portal = assertThrows(RafikiException.class, () -> client.usage());
        assertEquals("invalid-response", portal.code());
        assertTrue(portal.detail().contains("a captive portal"), portal.detail());
        var spent = assertThrows(RafikiException.class, () -> client.jobs().submit("x"));
        assertEquals("budget-exceeded", spent.code());
        assertEquals(Duration.ofHours(2), spent.retryAfter().orElseThrow());
        assertTrue(pauses.isEmpty(), "two hours are not waited for");
    }

    @Test
    void aCreateWhoseAnswerWasLostIsNotTriedAgain() {
        var calls = new AtomicInteger();
        server.createContext("/session", exchange -> {
            calls.incrementAndGet();
            cutOff(exchange, "{\"id\":\"" + SESSION + "\"}");
        });
        var lost = assertThrows(RafikiException.class, () -> client.sessions().create(NewSession.titled("t")));
        assertEquals(0, lost.status());
        assertEquals(RafikiException.CONNECTION_FAILED, lost.code());
        assertEquals(1, calls.get());
    }

    @Test
    void aServerThatIsNotThereIsTriedAsThePolicySays() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var nowhere = RafikiClient.builder(URI.create("http://127.0.0.1:" + port)).token("t")
                .retries(RetryPolicy.defaults().withMaxAttempts(3)).sleeper(pauses::add).build()) {
            var failure = assertThrows(RafikiException.class, () -> nowhere.sessions().create());
            assertEquals(0, failure.status());
            assertEquals(2, pauses.size(), "a refused connection is safe to try again, even for a create");
        }
    }

    @Test
    void aForkSendsItsMessageAsANumberAndShowsWhereItCameFrom() {
        var fork = UUID.fromString("44444444-4444-4444-4444-444444444444");
        var calls = new AtomicInteger();
        server.createContext("/session/" + SESSION + "/fork", exchange -> {
            calls.incrementAndGet();
            seen.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 201, "application/json", "{\"id\":\"" + fork + "\",\"title\":\"again\",\"status\":\"idle\","
                    + "\"prompt_count\":2,\"message_count\":6,\"forked_from\":{\"session_id\":\"" + SESSION
                    + "\",\"message_id\":42}}", "Location", "/session/" + fork);
        });
        var made = client.sessions().fork(SESSION, ForkRequest.atMessage(42).titled("again"));
        assertEquals("POST {\"at_message_id\":42,\"title\":\"again\"}", seen.get(0));
        assertEquals(fork, made.id());
        assertEquals(SESSION, made.forkedFrom().sessionId());
        assertEquals(42, made.forkedFrom().messageId());
        assertEquals(6, made.messageCount());

        client.sessions().fork(SESSION, ForkRequest.all().withMetadata(Json.createObjectBuilder().add("team", "a").build()));
        assertEquals("POST {\"metadata\":{\"team\":\"a\"}}", seen.get(1));

        server.removeContext("/session/" + SESSION + "/fork");
        server.createContext("/session/" + SESSION + "/fork", exchange -> {
            calls.incrementAndGet();
            cutOff(exchange, "{\"id\":\"" + fork + "\"}");
        });
        var lost = assertThrows(RafikiException.class, () -> client.sessions().fork(SESSION, ForkRequest.all()));
        assertEquals(0, lost.status());
        assertEquals(3, calls.get(), "a fork whose answer was lost is not made again");
    }

    @Test
    void aScheduleChangeSendsANullAsJsonNullNotAsText() {
        var schedule = UUID.fromString("55555555-5555-5555-5555-555555555555");
        server.createContext("/schedules/" + schedule, exchange -> {
            seen.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 200, "application/json", "{\"id\":\"" + schedule + "\",\"status\":\"active\",\"prompt\":\"tock\"}");
        });
        var changes = new java.util.LinkedHashMap<String, Object>();
        changes.put("prompt", "tock");
        changes.put("model", null);
        assertEquals("tock", client.schedules().update(schedule, changes).prompt());
        assertEquals("{\"prompt\":\"tock\",\"model\":null}", seen.get(0));
    }

    @Test
    void theQueueIsReadInEitherOrder() {
        var other = UUID.fromString("33333333-3333-3333-3333-333333333333");
        server.createContext("/session/" + SESSION + "/queue", exchange -> {
            seen.add(exchange.getRequestURI().getRawQuery());
            answer(exchange, 200, "application/json", "{\"session_id\":\"" + SESSION + "\",\"running_prompt_id\":\"" + PROMPT
                    + "\",\"queued\":[{\"position\":2,\"prompt_id\":\"" + other + "\",\"prompt\":\"b\"}]}");
        });
        var lastFirst = client.sessions().queue(SESSION, true);
        assertEquals("order=desc", seen.get(0));
        assertEquals(PROMPT, lastFirst.runningPromptId());
        assertEquals(2, lastFirst.queued().get(0).position());
        assertEquals(other, lastFirst.queued().get(0).promptId());
        client.sessions().queue(SESSION, false);
        assertEquals("order=asc", seen.get(1));
        client.sessions().queue(SESSION);
        assertNull(seen.get(2), "no order: the server's own");
    }

    @Test
    void anAdministratorReadsAnotherUsersUsageOverAWindow() {
        server.createContext("/usage", exchange -> {
            seen.add(exchange.getRequestURI().getRawQuery());
            answer(exchange, 200, "application/json", "{\"sessions\":1,\"prompts\":2,\"budgets\":[],"
                    + "\"today\":{\"input_tokens\":2,\"output_tokens\":4,\"tool_calls\":0,\"tool_seconds\":0},"
                    + "\"window\":{\"from\":\"2026-11-26T00:00:00Z\",\"to\":\"2026-12-03T00:00:00Z\","
                    + "\"usage\":{\"input_tokens\":2,\"output_tokens\":4,\"tool_calls\":0,\"tool_seconds\":0}}}");
        });
        var usage = client.admin().usage("ada lovelace", java.time.LocalDate.parse("2026-11-26"), null);
        assertEquals("owner=ada%20lovelace&from=2026-11-26", seen.get(0));
        assertEquals(4, usage.window().usage().outputTokens());
        assertEquals(java.time.Instant.parse("2026-12-03T00:00:00Z"), usage.window().to());
        client.admin().usage("ada");
        assertEquals("owner=ada", seen.get(1));
        assertThrows(IllegalArgumentException.class, () -> client.admin().usage("ada", null, java.time.LocalDate.now()));
    }

    @Test
    void viewsListsAndChangesMapToRecords() {
        server.createContext("/sessions", exchange -> {
            seen.add(exchange.getRequestURI().getRawQuery());
            answer(exchange, 200, "application/json", "{\"items\":[{\"id\":\"" + SESSION + "\",\"title\":\"a b\",\"status\":\"idle\","
                    + "\"queue_length\":0,\"prompt_count\":3,\"message_count\":6,\"agent\":{\"id\":\"" + PROMPT + "\",\"version\":2}}],"
                    + "\"next_cursor\":\"c1\"}");
        });
        server.createContext("/session/" + SESSION, exchange -> {
            var override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            seen.add(exchange.getRequestMethod() + (override == null ? "" : " as " + override) + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 200, "application/json", "{\"id\":\"" + SESSION + "\",\"title\":\"new\",\"status\":\"idle\"}");
        });
        var page = client.sessions().list(SessionFilter.all().titleContains("a b").withStatus("idle").withMetadata("team", "blue"),
                ListOptions.limit(20).after("c0").ascending());
        assertEquals("q=a%20b&status=idle&metadata.team=blue&limit=20&after=c0&order=asc", seen.get(0));
        var session = page.items().get(0);
        assertEquals("a b", session.title());
        assertEquals(3, session.promptCount());
        assertEquals(2, session.agent().version());
        assertNull(session.usage());
        assertEquals("c1", page.nextCursor());
        assertFalse(page.last());

        var changed = client.sessions().update(SESSION, SessionChanges.create().title("new").clearMetadata());
        assertEquals("new", changed.title());
        // Jersey's default connector cannot send PATCH on Java 17: the server's override stands in
        assertEquals("POST as PATCH {\"title\":\"new\",\"metadata\":null}", seen.get(1));
    }

    @Test
    void aProfileShowsItsOwnMcpServersWithTheirHeadersAsTheServerRedactedThem() {
        var agent = UUID.fromString("66666666-6666-6666-6666-666666666666");
        server.createContext("/agents/" + agent, exchange -> answer(exchange, 200, "application/json", "{\"id\":\"" + agent
                + "\",\"name\":\"notetaker\",\"version\":2,\"latest_version\":2,\"tools\":[\"notes.search\"],"
                + "\"mcp_servers\":[{\"name\":\"notes\",\"url\":\"https://mcp.notes.example/mcp\",\"transport\":\"sse\","
                + "\"headers\":{\"Authorization\":\"[redacted]\",\"X-Tenant\":\"[redacted]\"}}]}"));
        var profile = client.agents().get(agent);
        assertEquals(List.of("notes.search"), profile.tools());
        var notes = profile.mcpServers().get(0);
        assertEquals("notes", notes.name());
        assertEquals("https://mcp.notes.example/mcp", notes.url());
        assertEquals("sse", notes.transport());
        // header names are the server's, not snake_case members
        assertEquals(java.util.Map.of("Authorization", "[redacted]", "X-Tenant", "[redacted]"), notes.headers());

        server.removeContext("/agents/" + agent);
        server.createContext("/agents/" + agent, exchange -> answer(exchange, 200, "application/json",
                "{\"id\":\"" + agent + "\",\"name\":\"plain\",\"version\":1,\"latest_version\":1}"));
        assertNull(client.agents().get(agent).mcpServers(), "a profile without servers of its own");
    }

    @Test
    void aStreamResumesAfterEveryDropFromItsLastEventAndDropsRepeats() throws Exception {
        var connections = new AtomicInteger();
        var resumedWith = new CopyOnWriteArrayList<String>();
        server.createContext("/events", exchange -> {
            int n = connections.incrementAndGet();
            resumedWith.add(exchange.getRequestHeaders().getFirst("Last-Event-ID") + " " + exchange.getRequestURI().getRawQuery());
            if (n == 2) {
                problem(exchange, 503, "service-unavailable", "Retry-After", "1");
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            var out = exchange.getResponseBody();
            long from = n == 1 ? 0 : Long.parseLong(exchange.getRequestHeaders().getFirst("Last-Event-ID"));
            var text = new StringBuilder();
            if (n == 1) {
                text.append("id: 0\n\n\n");
            }
            // after a reconnection the server repeats the last event: the client must drop it
            for (long seq = n == 1 ? 1 : from; seq <= Math.min(from + 3, 8); seq++) {
                text.append(": keep-alive\n\nevent: message.delta\nid: ").append(seq).append("\ndata: ")
                        .append(event(seq)).append("\n\n");
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            exchange.close(); // the stream ends: a restart, an overflow
        });
        var received = new LinkedBlockingQueue<Event>();
        try (var subscription = client.events().session(SESSION).subscribe(received::add)) {
            var cursors = new ArrayList<Long>();
            while (cursors.size() < 8) {
                var event = received.poll(10, TimeUnit.SECONDS);
                assertTrue(event != null, "events so far: " + cursors + ", connections " + resumedWith);
                cursors.add(event.cursor());
                assertEquals("piece " + event.seq(), event.text());
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), cursors);
            assertEquals("null session_id=" + SESSION, resumedWith.get(0), "from now: no cursor");
            assertEquals("3 session_id=" + SESSION + "&after=3", resumedWith.get(1));
            assertEquals("3 session_id=" + SESSION + "&after=3", resumedWith.get(2), "after a 503, the same cursor");
            assertTrue(subscription.reconnects() >= 2);
            assertEquals(8, subscription.cursor());
        }
        assertNull(received.poll(300, TimeUnit.MILLISECONDS));
    }

    /** An SSE answer: {@code text}, then the connection held open 5 s, as a stream with nothing more to say. */
    static void streamThenHold(HttpExchange exchange, String text) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().write(text.getBytes(StandardCharsets.UTF_8));
        exchange.getResponseBody().flush();
        try {
            Thread.sleep(5000);
        } catch (InterruptedException ignored) {
            // the test is over
        }
        exchange.close();
    }

    static String event(long seq) {
        return "{\"type\":\"message.delta\",\"session_id\":\"" + SESSION + "\",\"seq\":" + seq + ",\"user_seq\":" + (100 + seq)
                + ",\"created_at\":\"2026-12-01T10:00:00Z\",\"prompt_id\":\"" + PROMPT + "\",\"data\":{\"prompt_id\":\"" + PROMPT
                + "\",\"text\":\"piece " + seq + "\"}}";
    }

    @Test
    void aStreamedQueryGivesItsOwnEventsInOrderThenThePrompt() throws Exception {
        var queried = new java.util.concurrent.CountDownLatch(1);
        var other = UUID.randomUUID();
        server.createContext("/session", exchange -> {
            if (exchange.getRequestURI().getPath().endsWith("/prompts/" + PROMPT)) {
                answer(exchange, 200, "application/json", prompt("completed"));
            } else {
                answer(exchange, 201, "application/json", "{\"id\":\"" + SESSION + "\",\"status\":\"idle\"}");
            }
        });
        server.createContext("/query", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("Prefer") + " " + new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            queried.countDown();
            // the stream is quicker than the answer: the first events arrive before the prompt's id
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                // the test is over
            }
            answer(exchange, 202, "application/json", prompt("queued"));
        });
        server.createContext("/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            var out = exchange.getResponseBody();
            out.write("id: 7\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                queried.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            var text = new StringBuilder();
            long seq = 8;
            for (var piece : List.of("echo", ": ", "hi")) {
                text.append("id: ").append(seq).append("\ndata: ").append(event(seq).replace("piece " + seq, piece)).append("\n\n");
                seq++;
                text.append("id: ").append(seq).append("\ndata: ").append(event(seq).replace(PROMPT.toString(), other.toString()))
                        .append("\n\n");
                seq++;
            }
            text.append("id: ").append(seq).append("\ndata: {\"type\":\"prompt.completed\",\"session_id\":\"").append(SESSION)
                    .append("\",\"seq\":").append(seq).append(",\"user_seq\":1,\"prompt_id\":\"").append(PROMPT)
                    .append("\",\"data\":{\"status\":\"completed\"}}\n\n");
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                Thread.sleep(3000);
            } catch (InterruptedException ignored) {
                // the test is over
            }
            exchange.close();
        });
        var events = new CopyOnWriteArrayList<Event>();
        var prompt = client.stream(QueryRequest.of("hi"), events::add).get(20, TimeUnit.SECONDS);
        assertEquals("completed", prompt.status());
        assertEquals("respond-async {\"prompt\":\"hi\",\"session_id\":\"" + SESSION + "\"}", seen.get(0));
        assertEquals(List.of(8L, 10L, 12L, 14L), events.stream().map(Event::cursor).toList(), "its own events only");
        assertEquals("echo: hi", String.join("", events.stream().map(Event::text).filter(t -> t != null).toList()));
    }

    @Test
    void filesGoUpAsBytesAndDecisionsAsTheirJson() {
        var requests = new CopyOnWriteArrayList<String>();
        server.createContext("/session/" + SESSION, exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            if (exchange.getRequestMethod().equals("PUT")) {
                if (requests.size() == 1) {
                    problem(exchange, 503, "service-unavailable", "Retry-After", "1");
                    return;
                }
                answer(exchange, 201, "application/json", "{\"path\":\"in/a b.txt\",\"size\":5,\"sha256\":\"x\"}");
            } else {
                answer(exchange, 200, "application/json", "{\"tool_call_id\":\"c1\",\"status\":\"denied\",\"decision\":\"deny\"}");
            }
        });
        var stored = client.files().upload(SESSION, "in/a b.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(5, stored.size());
        assertEquals("PUT /session/" + SESSION + "/files/in/a%20b.txt application/octet-stream hello", requests.get(0));
        assertEquals(requests.get(0), requests.get(1), "the same bytes again after the 503");
        var decided = client.sessions().decide(SESSION, PROMPT, ApprovalDecision.deny("c1", "not today"));
        assertEquals("denied", decided.status());
        assertEquals("POST /session/" + SESSION + "/prompts/" + PROMPT + "/approvals application/json "
                + "{\"tool_call_id\":\"c1\",\"decision\":\"deny\",\"reason\":\"not today\"}", requests.get(2));
    }

    @Test
    void anArtifactsSignedLinkIsAskedForByItsEncodedNameWithAnExpiryOnlyWhenGiven() {
        var job = UUID.fromString("77777777-7777-7777-7777-777777777777");
        server.createContext("/jobs/" + job, exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 201, "application/json", "{\"url\":\"http://127.0.0.1/signed/jobs/" + job
                    + "/artifacts/r%20s.csv?expires=1796137445&signature=x\",\"expires_at\":\"2026-12-01T15:04:05Z\"}");
        });
        var link = client.jobs().link(job, "r s.csv", Duration.ofMinutes(5));
        assertEquals("POST /jobs/" + job + "/artifacts/r%20s.csv/link {\"expires_in\":300}", seen.get(0));
        assertTrue(link.url().endsWith("signature=x"), link.url());
        assertEquals(java.time.Instant.parse("2026-12-01T15:04:05Z"), link.expiresAt());
        client.jobs().link(job, "r s.csv", null);
        assertEquals("POST /jobs/" + job + "/artifacts/r%20s.csv/link {}", seen.get(1), "the server's default expiry");
    }

    @Test
    void aSilentConnectionIsTakenForDeadAndMadeAgain() throws Exception {
        var connections = new AtomicInteger();
        server.createContext("/events", exchange -> {
            int n = connections.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            var out = exchange.getResponseBody();
            var text = n == 1 ? "id: 4\n\n" : "id: 5\ndata: " + event(5) + "\n\n";
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                Thread.sleep(20_000); // then nothing, not even a keep-alive: a dead peer
            } catch (InterruptedException ignored) {
                // the test is over
            }
            exchange.close();
        });
        try (var quick = RafikiClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort())).token("t")
                .streamIdleTimeout(Duration.ofMillis(800)).streamBackoff(Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
            var received = new LinkedBlockingQueue<Event>();
            try (var subscription = quick.events().user().subscribe(received::add)) {
                assertEquals(4, subscription.started().get(5, TimeUnit.SECONDS));
                var event = received.poll(10, TimeUnit.SECONDS);
                assertTrue(event != null, "no reconnection after silence");
                assertEquals(5, event.cursor());
                assertTrue(subscription.reconnects() >= 1);
            }
        }
    }

    @Test
    void aStreamTheServerRefusesEndsWithTheProblem() throws Exception {
        server.createContext("/events", exchange -> problem(exchange, 404, "not-found"));
        var failed = new java.util.concurrent.CompletableFuture<RafikiException>();
        var subscription = client.events().job(PROMPT).subscribe(new EventListener() {
            @Override
            public void onEvent(Event event) {
            }

            @Override
            public void onError(RafikiException failure) {
                failed.complete(failure);
            }
        });
        assertEquals("not-found", failed.get(10, TimeUnit.SECONDS).code());
        assertTrue(subscription.done().isCompletedExceptionally());
    }

    @Test
    void aNotFoundThatIsNotRafikisIsRetriedUntilRafikiAnswers() throws Exception {
        // a server whose listener is open before Rafiki is deployed in it answers its own 404 page
        var connections = new AtomicInteger();
        server.createContext("/events", exchange -> {
            if (connections.incrementAndGet() <= 3) {
                answer(exchange, 404, "text/html", "<html><body>Not Found</body></html>");
                return;
            }
            streamThenHold(exchange, "id: 0\n\nid: 1\ndata: " + event(1) + "\n\n");
        });
        var received = new LinkedBlockingQueue<Event>();
        var disconnects = new java.util.concurrent.CopyOnWriteArrayList<Throwable>();
        try (var subscription = client.events().user().subscribe(new EventListener() {
            @Override
            public void onEvent(Event event) {
                received.add(event);
            }

            @Override
            public void onDisconnect(long cursor, Throwable cause) {
                disconnects.add(cause);
            }
        })) {
            var event = received.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null, "the subscription gave up on a 404 that was not Rafiki's");
            assertEquals(1, event.cursor());
            assertEquals(4, connections.get());
            assertEquals(3, disconnects.size(), disconnects.toString());
            assertEquals("http-404", ((RafikiException) disconnects.get(0)).code());
            assertTrue(!subscription.done().isDone());
        }
    }

    @Test
    void aFlowSubscriberGetsWhatItRequests() throws Exception {
        server.createContext("/events", exchange -> {
            var text = new StringBuilder("id: 0\n\n");
            for (long seq = 1; seq <= 5; seq++) {
                text.append("id: ").append(seq).append("\ndata: ").append(event(seq)).append("\n\n");
            }
            streamThenHold(exchange, text.toString());
        });
        var received = new LinkedBlockingQueue<Event>();
        var subscription = new java.util.concurrent.CompletableFuture<java.util.concurrent.Flow.Subscription>();
        client.events().session(SESSION).subscribe(new java.util.concurrent.Flow.Subscriber<Event>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                subscription.complete(s);
                s.request(2);
            }

            @Override
            public void onNext(Event item) {
                received.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertEquals(1, received.poll(10, TimeUnit.SECONDS).seq());
        assertEquals(2, received.poll(10, TimeUnit.SECONDS).seq());
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "no more than requested");
        subscription.get().request(10);
        assertEquals(3, received.poll(10, TimeUnit.SECONDS).seq());
        subscription.get().cancel();
    }

    @Test
    void aDownloadResumesWhereTheConnectionDroppedAndIsNotFetchedAgainWhileCurrent(@TempDir Path dir) throws Exception {
        var content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        var sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        var etag = "\"" + sha + "\"";
        var requests = new CopyOnWriteArrayList<String>();
        server.createContext("/jobs/" + PROMPT + "/artifacts/", exchange -> {
            var headers = exchange.getRequestHeaders();
            requests.add(exchange.getRequestURI().getRawPath() + " range=" + headers.getFirst("Range") + " if-range="
                    + headers.getFirst("If-Range") + " if-none-match=" + headers.getFirst("If-None-Match"));
            if (etag.equals(headers.getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("ETag", etag);
            var range = headers.getFirst("Range");
            if (range == null) {
                // the first answer breaks off after 100 000 bytes
                exchange.sendResponseHeaders(200, content.length);
                exchange.getResponseBody().write(content, 0, 100_000);
                exchange.getResponseBody().flush();
                exchange.close();
                return;
            }
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            exchange.sendResponseHeaders(206, content.length - from);
            exchange.getResponseBody().write(content, from, content.length - from);
            exchange.close();
        });
        var target = dir.resolve("data file.bin");
        var artifact = new Artifact("data file.bin", content.length, "application/octet-stream", sha, null, null, null, null);
        var download = client.jobs().download(PROMPT, artifact, target);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(1, download.resumed());
        assertEquals(content.length, download.size());
        assertFalse(Files.exists(dir.resolve("data file.bin.part")));
        assertEquals("/jobs/" + PROMPT + "/artifacts/data%20file.bin range=null if-range=null if-none-match=null", requests.get(0));
        assertEquals("/jobs/" + PROMPT + "/artifacts/data%20file.bin range=bytes=100000- if-range=" + etag + " if-none-match=null",
                requests.get(1));

        var again = client.jobs().download(PROMPT, "data file.bin", target);
        assertTrue(again.notModified());
        assertTrue(requests.get(2).endsWith("if-none-match=" + etag), requests.get(2));
        assertArrayEquals(content, Files.readAllBytes(target));
    }
}
