package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rafiki.client.ApprovalDecision;
import dev.rafiki.client.Busy;
import dev.rafiki.client.Event;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.NewSchedule;
import dev.rafiki.client.NewSession;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.SessionChanges;
import dev.rafiki.client.SessionFilter;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.client.WebhookVerifier;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.TcpProxy;
import jakarta.json.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client ({@code client/}) against the real server: typed calls and refusals, a query
 * retried through a cut connection that still runs once, jobs awaited by their events, artifacts
 * downloaded with ETag caching, webhooks checked with the client's verifier, and event streams
 * (SSE and {@code /ws}) that see every event exactly once through a network cut (and, in
 * {@link DurabilityIT}, through a {@code kill -9} of the server); prompts over {@code /query_stream},
 * a tool call decided there, and one cut mid-prompt that attaches again.
 */
class ClientIT {

    static RafikiServer server;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
    }

    @Test
    void callsAreTypedAndRefusalsAreProblems() {
        try (var client = server.client("client-user")) {
            var first = client.query("hello");
            assertTrue(first.completed(), first.toString());
            assertEquals("echo: hello", first.answer());
            var sessionId = first.sessionId();
            var second = client.query(QueryRequest.of("again").inSession(sessionId)
                    .withMetadata(Json.createObjectBuilder().add("ticket", "T-1").build()));
            assertEquals(sessionId, second.sessionId());
            assertEquals("T-1", second.metadata().getString("ticket"));
            var shown = client.sessions().prompt(sessionId, second.id());
            assertEquals(List.of(second.id(), second.status(), second.answer(), second.metadata()),
                    List.of(shown.id(), shown.status(), shown.answer(), shown.metadata()), "one type for both views");
            assertEquals(List.of(1L, 2L, 2L), List.of(first.number(), second.number(), shown.number()));

            var session = client.sessions().get(sessionId);
            assertEquals("idle", session.status());
            assertEquals(2, session.promptCount());
            assertEquals(4, session.messageCount());
            assertEquals(List.of("hello", "echo: hello", "again", "echo: again"),
                    client.sessions().messages(sessionId).stream().map(m -> m.content()).toList());
            var latest = client.sessions().messages(sessionId, ListOptions.limit(1).descending());
            assertEquals("echo: again", latest.items().get(0).content());
            assertNotNull(latest.nextCursor());

            // PATCH, whatever the client's connector can send
            var renamed = client.sessions().update(sessionId, SessionChanges.create().title("client demo " + sessionId)
                    .metadata(Json.createObjectBuilder().add("team", "blue").build()));
            assertEquals("client demo " + sessionId, renamed.title());
            var found = client.sessions().list(SessionFilter.all().titleContains(sessionId.toString()).withMetadata("team", "blue"),
                    ListOptions.first()).items();
            assertEquals(List.of(sessionId), found.stream().map(s -> s.id()).toList());
            assertTrue(client.sessions().stream(SessionFilter.all()).anyMatch(s -> s.id().equals(sessionId)));

            // a slow prompt holds the session: another with busy=reject is refused with the problem's code
            var slow = client.start(QueryRequest.of("/slow 200 " + "word ".repeat(40)).inSession(sessionId));
            assertFalse(slow.terminal());
            Await.until("the slow prompt to run", Duration.ofSeconds(30), () -> client.sessions().get(sessionId).status(),
                    "running"::equals);
            var busy = assertThrows(RafikiException.class,
                    () -> client.query(QueryRequest.of("not now").inSession(sessionId).withBusy(Busy.REJECT)));
            assertEquals(409, busy.status());
            assertEquals("session-busy", busy.code());
            assertNotNull(busy.requestId());
            assertEquals(slow.id().toString(), busy.problem().getString("running_prompt_id"));
            var stopped = client.sessions().stop(sessionId, true);
            assertEquals(List.of(slow.id()), stopped.cancelled());
            assertEquals("cancelled", client.sessions().prompt(sessionId, slow.id()).status());
            assertTrue(client.usage().prompts() >= 3);

            var missing = assertThrows(RafikiException.class, () -> client.sessions().get(UUID.randomUUID()));
            assertEquals(404, missing.status());
            assertEquals("not-found", missing.code());
            client.sessions().delete(sessionId);
            assertEquals("not-found", assertThrows(RafikiException.class, () -> client.sessions().get(sessionId)).code());
        }
    }

    @Test
    void workspaceFilesAgentsApprovalsSchedulesAndStreamTokens(@TempDir Path dir) throws Exception {
        try (var client = server.client("client-surface")) {
            var sessionId = client.sessions().create().id();

            // workspace files: upload, list, download (304 the second time), signed link, delete
            var stored = client.files().upload(sessionId, "in/data set.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("in/data set.csv", stored.path());
            assertEquals(8, stored.size());
            var source = dir.resolve("big.bin");
            Files.write(source, new byte[200_000]);
            assertEquals(200_000, client.files().upload(sessionId, "in/big.bin", source).size());
            var listing = client.files().list(sessionId, ListOptions.limit(1));
            assertEquals("in/big.bin", listing.items().get(0).path());
            assertEquals(200_008, listing.usedBytes());
            var copy = client.files().download(sessionId, "in/data set.csv", dir.resolve("copy.csv"));
            assertEquals("a,b\n1,2\n", Files.readString(copy.path()));
            assertTrue(client.files().download(sessionId, "in/data set.csv", dir.resolve("copy.csv")).notModified());
            var link = client.files().link(sessionId, "in/data set.csv", Duration.ofMinutes(5));
            assertTrue(link.url().contains("/signed/session/" + sessionId), link.url());
            var opened = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(link.url()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals("a,b\n1,2\n", opened.body(), "a signed link needs no token");
            client.files().delete(sessionId, "in/big.bin");
            assertEquals(List.of("in/data set.csv"), client.files().list(sessionId, ListOptions.first()).items().stream()
                    .map(f -> f.path()).toList());

            // a stream token follows its session only
            var token = client.sessions().streamToken(sessionId);
            assertEquals(sessionId.toString(), token.sessionId());
            assertTrue(token.expiresIn() > 0);

            // agents and tools; a profile that asks a person before write_file
            assertTrue(client.agents().tools().stream().anyMatch(t -> t.name().equals("write_file")));
            var agent = client.agents().create(Json.createObjectBuilder().add("name", "careful-" + sessionId).add("model", "echo")
                    .add("tools", Json.createArrayBuilder().add("write_file"))
                    .add("approval", Json.createObjectBuilder().add("write_file", "always")).build());
            assertEquals(1, agent.version());
            assertEquals("always", agent.approval().getString("write_file"));
            assertEquals(agent.id(), client.agents().get(agent.id()).id());
            var request = QueryRequest.of("/tool write_file {\"path\":\"ok.txt\",\"content\":\"yes\"}")
                    .inSession(sessionId).withAgent(agent.id().toString()).withIdempotencyKey("approve-" + sessionId);
            var waiting = client.query(request);
            assertEquals("waiting_approval", waiting.status(), waiting.toString());
            var asked = client.sessions().prompt(sessionId, waiting.id()).approvals().get(0);
            assertEquals("write_file", asked.tool());
            var decided = client.sessions().decide(sessionId, waiting.id(), ApprovalDecision.approve(asked.toolCallId()));
            assertEquals("approved", decided.status());
            assertEquals("completed", client.query(request).status(), "asked again with its key, the prompt's end");
            assertEquals("yes", Files.readString(client.files().download(sessionId, "ok.txt", dir.resolve("ok.txt")).path()));
            var conflict = assertThrows(RafikiException.class, () -> client.sessions().decide(sessionId, waiting.id(),
                    ApprovalDecision.deny(asked.toolCallId(), "changed my mind")));
            assertEquals("approval-decided", conflict.code());
            client.agents().delete(agent.id());

            // schedules
            var schedule = client.schedules().create(NewSchedule.of("0 0 1 1 *", "Europe/Berlin", "happy new year")
                    .missed("skip").withMetadata(Json.createObjectBuilder().add("team", "blue").build()));
            assertEquals("active", schedule.status());
            assertEquals("paused", client.schedules().pause(schedule.id()).status());
            assertEquals("active", client.schedules().resume(schedule.id()).status());
            assertEquals("0 0 1 7 *", client.schedules().update(schedule.id(), java.util.Map.of("cron", "0 0 1 7 *")).cron());
            assertTrue(client.schedules().runs(schedule.id(), ListOptions.first()).items().isEmpty());
            assertTrue(client.schedules().list(ListOptions.limit(200)).items().stream().anyMatch(x -> x.id().equals(schedule.id())));
            client.schedules().delete(schedule.id());
            assertEquals("not-found", assertThrows(RafikiException.class, () -> client.schedules().get(schedule.id())).code());

            // the administrators' routes: refused to a user, open to an administrator
            assertEquals(403, assertThrows(RafikiException.class, () -> client.admin().budgets(null, ListOptions.first())).status());
        }
        try (var admin = RafikiClient.builder(server.base()).token(server.tokenFor("client-admin", "user", "admin")).build()) {
            var budget = admin.admin().setUserBudget("client-budgeted", "day", 1_000_000L, null);
            assertEquals("day", budget.window());
            assertEquals(1_000_000L, budget.maxTokens());
            assertEquals(1_000_000L, budget.tokens().remaining());
            assertEquals("client-budgeted", admin.admin().userBudget("client-budgeted").user());
            assertTrue(admin.admin().budgets("user", ListOptions.limit(200)).items().stream()
                    .anyMatch(b -> "client-budgeted".equals(b.user())));
            admin.admin().clearUserBudget("client-budgeted");
            assertEquals(404, assertThrows(RafikiException.class, () -> admin.admin().userBudget("client-budgeted")).status());
            assertNotNull(admin.admin().deadLetters(ListOptions.limit(5)).items());
        }
    }

    @Test
    void aQueryWhoseConnectionIsCutIsRetriedWithItsKeyAndRunsOnce() throws Exception {
        var owner = "client-retry-" + System.nanoTime();
        try (var proxy = new TcpProxy(server.base().getPort());
             var client = RafikiClient.builder(URI.create("http://127.0.0.1:" + proxy.port()))
                     .token(server.tokenFor(owner, "user")).build()) {
            var prompt = "/slow 100 " + "cut ".repeat(15) + owner;
            var sessionId = client.sessions().create().id();
            var answer = CompletableFuture.supplyAsync(() -> client.query(QueryRequest.of(prompt).inSession(sessionId)));
            // the prompt runs on the server while its client's connection is cut, then comes back
            try (var watcher = server.client(owner)) {
                Await.until("the prompt to run", Duration.ofSeconds(30), () -> watcher.sessions().get(sessionId).status(),
                        "running"::equals);
            }
            proxy.cut();
            Thread.sleep(700);
            proxy.restore();
            var result = answer.get(60, TimeUnit.SECONDS);
            assertEquals("completed", result.status(), result.toString());
            assertEquals("echo: " + prompt.substring("/slow 100 ".length()), result.answer());
            try (var db = server.database()) {
                assertEquals(1, count(db, owner), "the retries found the first prompt");
            }
        }
    }

    static int count(java.sql.Connection db, String owner) {
        try (var statement = db.prepareStatement("SELECT count(*) FROM prompt WHERE owner = ?")) {
            statement.setString(1, owner);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aJobIsAwaitedByItsEventsAndItsArtifactsDownloadOnce(@TempDir Path dir) throws Exception {
        try (var client = server.client("client-jobs")) {
            var csv = "id,name\n1,ada\n2,grace\n";
            var script = Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("name", "report_progress")
                            .add("arguments", Json.createObjectBuilder().add("percent", 50).add("message", "half")))
                    .add(Json.createObjectBuilder().add("name", "save_artifact")
                            .add("arguments", Json.createObjectBuilder().add("name", "report.csv").add("content", csv)))
                    .add(Json.createObjectBuilder().add("name", "save_artifact")
                            .add("arguments", Json.createObjectBuilder().add("name", "notes-1.txt").add("content", "all good")))
                    .build();
            var submitted = client.jobs().submit(SubmitRequest.of("/tools " + script)
                    .withMetadata(Json.createObjectBuilder().add("customer", "acme").build()));
            assertEquals("/jobs/" + submitted.id(), submitted.links().self());
            var job = client.jobs().await(submitted.id(), Duration.ofSeconds(60));
            assertEquals("completed", job.status(), job.toString());
            assertEquals(50, job.progress().percent());
            assertEquals("acme", job.metadata().getString("customer"));
            assertTrue(client.jobs().list(ListOptions.limit(200), "completed").items().stream()
                    .anyMatch(j -> j.id().equals(job.id())));

            var artifacts = client.jobs().artifacts(job.id());
            assertEquals(List.of("notes-1.txt", "report.csv"), artifacts.stream().map(a -> a.name()).toList());
            var report = artifacts.get(1);
            var target = dir.resolve("report.csv");
            var download = client.jobs().download(job.id(), report, target);
            assertEquals(csv, Files.readString(target));
            assertEquals("\"" + report.sha256() + "\"", download.etag());
            assertFalse(download.notModified());
            var again = client.jobs().download(job.id(), "report.csv", target);
            assertTrue(again.notModified(), "If-None-Match with the ETag: 304");
            assertEquals(csv, Files.readString(target));
            var notes = client.jobs().download(job.id(), artifacts.get(0), dir.resolve("notes.txt"));
            assertArrayEquals("all good".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(notes.path()));

            var absent = assertThrows(RafikiException.class, () -> client.jobs().download(job.id(), "absent.txt", dir.resolve("x")));
            assertEquals("not-found", absent.code());
            // a finished job stays as it is
            assertEquals("completed", client.jobs().cancel(job.id()).status());
        }
    }

    @Test
    void aJobWaitedForWhileItRunsEndsCancelled() {
        try (var client = server.client("client-jobs-cancel")) {
            var job = client.jobs().submit(SubmitRequest.of("/slow 200 " + "word ".repeat(100)));
            var waiting = client.jobs().awaitAsync(job.id(), Duration.ofSeconds(60));
            Await.until("the job to run", Duration.ofSeconds(30), () -> client.jobs().get(job.id()).status(), "running"::equals);
            client.jobs().cancel(job.id());
            assertEquals("cancelled", waiting.join().status());
            var tooShort = assertThrows(RafikiException.class, () -> client.jobs().await(
                    client.jobs().submit(SubmitRequest.of("/slow 500 " + "word ".repeat(50))).id(), Duration.ofMillis(300)));
            assertEquals("timeout", tooShort.code());
        }
    }

    @Test
    void webhooksAreCheckedWithTheClientsVerifier() throws Exception {
        var secret = "whsec_" + Base64.getEncoder().encodeToString("client-it-secret-of-32-bytes-len".getBytes(StandardCharsets.UTF_8));
        var verifier = new WebhookVerifier(secret);
        var verdicts = new CopyOnWriteArrayList<String>();
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            var body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            try {
                verifier.verify(headers::getFirst, body);
                var tampered = new String(body, StandardCharsets.UTF_8).replace("completed", "failed");
                verdicts.add(verifier.valid(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                        headers.getFirst("webhook-signature"), tampered.getBytes(StandardCharsets.UTF_8)) ? "tampered passed" : "ok");
                exchange.sendResponseHeaders(204, -1);
            } catch (WebhookVerifier.Invalid e) {
                verdicts.add("refused: " + e.getMessage());
                exchange.sendResponseHeaders(400, -1);
            }
            exchange.close();
        });
        receiver.start();
        try (var client = server.client("client-hooks")) {
            var job = client.jobs().submit(SubmitRequest.of("tell the hook")
                    .withWebhook("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", secret));
            assertEquals(secret, job.webhook().secret());
            client.jobs().await(job.id(), Duration.ofSeconds(60));
            var delivered = Await.until("the webhook to be delivered", Duration.ofSeconds(60), () -> client.jobs().get(job.id()),
                    j -> j.webhook() != null && j.webhook().deliveries() != null && !j.webhook().deliveries().isEmpty()
                            && "delivered".equals(j.webhook().deliveries().get(0).status()));
            assertEquals(List.of("ok"), verdicts);
            assertEquals("job.completed", delivered.webhook().deliveries().get(0).eventType());
            assertEquals(204, delivered.webhook().deliveries().get(0).log().get(0).statusCode());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aStreamedQueryHandsOverItsOwnEventsThenThePrompt() throws Exception {
        try (var client = server.client("client-streamed")) {
            var sessionId = client.sessions().create().id();
            var events = new CopyOnWriteArrayList<Event>();
            var prompt = client.stream(QueryRequest.of("/slow 20 one two three four").inSession(sessionId), events::add)
                    .get(60, TimeUnit.SECONDS);
            assertEquals("completed", prompt.status(), prompt.toString());
            assertEquals("echo: one two three four", prompt.answer());
            assertEquals(prompt.answer(), String.join("", events.stream().map(Event::text).filter(t -> t != null).toList()));
            assertTrue(events.stream().allMatch(e -> prompt.id().equals(e.promptId())), events.toString());
            assertEquals(Event.PROMPT_QUEUED, events.get(0).type());
            assertEquals(Event.PROMPT_COMPLETED, events.get(events.size() - 1).type());
            assertExactlyTheLog(client, sessionId, 0, events);

            var wsRefused = client.events().session(UUID.randomUUID()).overWebSocket().subscribe(events::add).done();
            var wsFailure = assertThrows(java.util.concurrent.ExecutionException.class, () -> wsRefused.get(30, TimeUnit.SECONDS));
            assertEquals("not-found", ((RafikiException) wsFailure.getCause()).code(), "an error frame is the problem");
            var refused = assertThrows(java.util.concurrent.ExecutionException.class, () -> client.stream(
                    QueryRequest.of("x").inSession(UUID.randomUUID()), events::add).get(60, TimeUnit.SECONDS));
            assertEquals("not-found", ((RafikiException) refused.getCause()).code());
        }
    }

    @Test
    void aStreamSeesEveryEventOnceThroughANetworkCut() throws Exception {
        try (var proxy = new TcpProxy(server.base().getPort());
             var client = RafikiClient.builder(URI.create("http://127.0.0.1:" + proxy.port()))
                     .token(server.tokenFor("client-stream", "user")).build()) {
            var sessionId = client.sessions().create(NewSession.titled("stream")).id();
            client.query(QueryRequest.of("before the subscription").inSession(sessionId));
            long start = client.sessions().events(sessionId, 0, 200).items().size();
            var seen = new CopyOnWriteArrayList<Event>();
            var seenOverWs = new CopyOnWriteArrayList<Event>();
            try (var subscription = client.events().session(sessionId).subscribe(seen::add);
                 var overWs = client.events().session(sessionId).overWebSocket().subscribe(seenOverWs::add)) {
                // from now: each stream names its start cursor before any event
                assertEquals(start, subscription.started().get(10, TimeUnit.SECONDS));
                assertEquals(start, overWs.started().get(10, TimeUnit.SECONDS));
                var prompt = client.start(QueryRequest.of("/slow 60 " + "token ".repeat(40)).inSession(sessionId));
                Await.until("some tokens", Duration.ofSeconds(30), () -> Math.min(seen.size(), seenOverWs.size()), n -> n >= 5);
                proxy.cut();
                Thread.sleep(500);
                proxy.restore();
                for (var list : List.of(seen, seenOverWs)) {
                    Await.until("the prompt's end", Duration.ofSeconds(60), () -> list.stream().anyMatch(
                            e -> e.endsPrompt() && prompt.id().equals(e.promptId())), done -> done);
                }
                assertTrue(subscription.reconnects() >= 1, "the cut dropped the stream");
                assertTrue(overWs.reconnects() >= 1, "the cut dropped the WebSocket");
            }
            for (var list : List.of(seen, seenOverWs)) {
                assertExactlyTheLog(client, sessionId, start, list);
                var text = String.join("", list.stream().map(Event::text).filter(t -> t != null).toList());
                assertEquals("echo: " + "token ".repeat(40).strip(), text);
            }
        }
    }

    @Test
    void aPromptOverQueryStreamHandsOverItsEventsInOrderThenThePrompt() throws Exception {
        try (var client = server.client("client-query-stream")) {
            var sessionId = client.sessions().create().id();
            var events = new CopyOnWriteArrayList<Event>();
            var stream = client.queryStream(QueryRequest.of("/slow 20 one two three four").inSession(sessionId)
                    .withMetadata(Json.createObjectBuilder().add("ticket", "T-9").build()), events::add);
            var prompt = stream.result().get(60, TimeUnit.SECONDS);
            assertEquals("completed", prompt.status(), prompt.toString());
            assertEquals("echo: one two three four", prompt.answer());
            assertEquals("T-9", prompt.metadata().getString("ticket"));
            var accepted = stream.accepted().get();
            assertEquals(List.of(prompt.id(), sessionId, 1L),
                    List.of(accepted.promptId(), accepted.sessionId(), accepted.promptNumber()));
            assertEquals(1, prompt.number());
            assertEquals(prompt.answer(), String.join("", events.stream().map(Event::text).filter(t -> t != null).toList()));
            assertTrue(events.stream().allMatch(e -> prompt.id().equals(e.promptId())), events.toString());
            assertEquals(Event.PROMPT_COMPLETED, events.get(events.size() - 1).type());
            assertExactlyTheLog(client, sessionId, 0, events);
            assertEquals(0, stream.reconnects());

            var refused = client.queryStream(QueryRequest.of("x").inSession(UUID.randomUUID()), events::add);
            var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> refused.result().get(60, TimeUnit.SECONDS));
            assertEquals("not-found", ((RafikiException) failure.getCause()).code(), "the error frame is the problem");

            // a stream token is no bearer token (401): the stream ends after one more try, it does not reconnect forever
            var streamToken = client.sessions().streamToken(sessionId).token();
            try (var follower = RafikiClient.builder(server.base()).token(streamToken).build()) {
                var closed = follower.queryStream(QueryRequest.of("x").inSession(sessionId), events::add);
                var refusal = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> closed.result().get(60, TimeUnit.SECONDS));
                assertEquals(401, ((RafikiException) refusal.getCause()).status(), refusal.getCause().toString());
                assertTrue(closed.reconnects() <= 1, "reconnects: " + closed.reconnects());
            }
        }
    }

    @Test
    void aToolCallIsApprovedOverTheQueryStream(@TempDir Path dir) throws Exception {
        // a quiet wait (for a person) is kept alive: the server's keep-alive frames, and the client's pings
        try (var client = RafikiClient.builder(server.base()).token(server.tokenFor("client-query-stream-approval", "user"))
                .streamIdleTimeout(Duration.ofSeconds(3)).build()) {
            var sessionId = client.sessions().create().id();
            var agent = client.agents().create(Json.createObjectBuilder().add("name", "asks-" + sessionId).add("model", "echo")
                    .add("tools", Json.createArrayBuilder().add("write_file"))
                    .add("approval", Json.createObjectBuilder().add("write_file", "always")).build());
            var events = new CopyOnWriteArrayList<Event>();
            var stream = client.queryStream(QueryRequest.of("/tool write_file {\"path\":\"streamed.txt\",\"content\":\"ok\"}")
                    .inSession(sessionId).withAgent(agent.id().toString()), events::add);
            var asked = Await.until("the approval request", Duration.ofSeconds(60), () -> events.stream()
                    .filter(e -> e.type().equals("tool_call.approval_requested")).findFirst(), java.util.Optional::isPresent).get();
            Thread.sleep(4500);
            assertEquals(0, stream.reconnects(), "silent longer than the idle timeout, yet alive");
            var approval = stream.decide(ApprovalDecision.approve(asked.data().getString("tool_call_id"))).get(30, TimeUnit.SECONDS);
            assertEquals("approved", approval.status());
            assertEquals("write_file", approval.tool());
            var prompt = stream.result().get(60, TimeUnit.SECONDS);
            assertEquals("completed", prompt.status(), prompt.toString());
            assertTrue(events.stream().anyMatch(e -> e.type().equals("tool_call.approval_decided")), events.toString());
            assertExactlyTheLog(client, sessionId, 0, events);
            assertEquals("ok", Files.readString(client.files().download(sessionId, "streamed.txt", dir.resolve("s.txt")).path()));
            client.agents().delete(agent.id());
        }
    }

    @Test
    void aQueryStreamCutMidPromptAttachesAgainAndSeesEveryEventOnce() throws Exception {
        var owner = "client-query-stream-cut-" + System.nanoTime();
        try (var proxy = new TcpProxy(server.base().getPort());
             var client = RafikiClient.builder(URI.create("http://127.0.0.1:" + proxy.port()))
                     .token(server.tokenFor(owner, "user")).build()) {
            var sessionId = client.sessions().create().id();
            var events = new CopyOnWriteArrayList<Event>();
            var stream = client.queryStream(QueryRequest.of("/slow 60 " + "token ".repeat(40)).inSession(sessionId), events::add);
            Await.until("some tokens", Duration.ofSeconds(30), events::size, n -> n >= 5);
            proxy.cut();
            Thread.sleep(500);
            proxy.restore();
            var prompt = stream.result().get(60, TimeUnit.SECONDS);
            assertEquals("completed", prompt.status(), prompt.toString());
            assertTrue(stream.reconnects() >= 1, "the cut dropped the stream");
            assertExactlyTheLog(client, sessionId, 0, events);
            assertEquals(Event.PROMPT_COMPLETED, events.get(events.size() - 1).type());
            assertEquals("echo: " + "token ".repeat(40).strip(),
                    String.join("", events.stream().map(Event::text).filter(t -> t != null).toList()));
            try (var db = server.database()) {
                assertEquals(1, count(db, owner), "attached again, never sent again");
            }
        }
    }

    /** The subscriber saw the session's stored events after {@code start}, each once, in order. */
    static void assertExactlyTheLog(RafikiClient client, UUID sessionId, long start, List<Event> seen) {
        var log = new ArrayList<Long>();
        long after = start;
        while (true) {
            var page = client.sessions().events(sessionId, after, 200);
            page.items().forEach(e -> log.add(e.seq()));
            if (page.last()) {
                break;
            }
            after = page.items().get(page.items().size() - 1).seq();
        }
        var cursors = seen.stream().map(Event::cursor).toList();
        assertEquals(log.subList(0, cursors.size()), cursors, "every event once, in order, none left out");
        assertEquals(seen.stream().map(Event::seq).toList(), cursors);
    }
}
