package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Busy;
import dev.rafiki.client.Event;
import dev.rafiki.client.EventListener;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.Message;
import dev.rafiki.client.NewSession;
import dev.rafiki.client.Page;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.Session;
import dev.rafiki.client.SessionChanges;
import dev.rafiki.client.SessionFilter;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session routes as a client uses them, through the Java client: state, history, queue, stop,
 * busy policies, idempotency. Raw {@link Api} calls remain only where the wire itself is tested.
 */
class SessionsIT {

    static RafikiServer server;
    static Api api;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("sessions-user");
        rafiki = server.client("sessions-user");
    }

    @AfterAll
    static void stop() {
        rafiki.close();
    }

    @Test
    void createReadListAndDeleteASession() {
        var session = rafiki.sessions().create(NewSession.titled("Trip plans")
                .withMetadata(Json.createObjectBuilder().add("team", "blue").add("n", 3).build()));
        var id = session.id();
        assertEquals("Trip plans", session.title());
        assertEquals("echo", session.model());
        assertEquals("blue", session.metadata().getString("team"));
        assertEquals(3, session.metadata().getInt("n"));
        assertEquals("idle", session.status());

        // raw: the create's 201 and its Location header are the wire
        var created = api.post("/session", "{\"title\":\"Located\"}");
        assertEquals(201, created.status());
        assertEquals("/session/" + created.json().getString("id"), java.net.URI.create(created.header("Location")).getPath());

        // raw: /state is an alias route the client does not name (it reads GET /session/{id})
        var state = api.get("/session/" + id + "/state").json();
        assertEquals(id.toString(), state.getString("id"));
        assertEquals(0, state.getInt("queue_length"));
        assertEquals(0, rafiki.sessions().get(id).queueLength());

        try (var lister = server.client("lister-" + System.nanoTime())) {
            var ids = new ArrayList<UUID>();
            for (int i = 0; i < 5; i++) {
                ids.add(lister.sessions().create().id());
            }
            for (var ascending : List.of(false, true)) {
                var options = ascending ? ListOptions.limit(2).ascending() : ListOptions.limit(2);
                var page1 = lister.sessions().list(SessionFilter.all(), options);
                var page2 = lister.sessions().list(SessionFilter.all(), options.after(page1.nextCursor()));
                var page3 = lister.sessions().list(SessionFilter.all(), options.after(page2.nextCursor()));
                var listed = new ArrayList<UUID>();
                for (var page : List.of(page1, page2, page3)) {
                    page.items().forEach(s -> listed.add(s.id()));
                }
                var expected = new ArrayList<>(ids);
                if (!ascending) {
                    java.util.Collections.reverse(expected);
                }
                assertEquals(expected, listed, "pages list every session once, newest first unless order=asc");
                assertTrue(page3.last());
            }
        }

        rafiki.sessions().delete(id);
        assertEquals(404, assertThrows(RafikiException.class, () -> rafiki.sessions().get(id)).status());
        assertEquals(404, assertThrows(RafikiException.class, () -> rafiki.sessions().delete(id)).status());
    }

    @Test
    void invalidSessionInputIsRefusedClearly() {
        assertEquals(400, assertThrows(RafikiException.class,
                () -> rafiki.sessions().create(NewSession.empty().withModel("gpt-imaginary"))).status());
        assertEquals(400, assertThrows(RafikiException.class,
                () -> rafiki.sessions().list(SessionFilter.all(), ListOptions.limit(0))).status());
        // raw: members of the wrong JSON type, a limit that is no number and an id that is no UUID
        // cannot be said through the typed client; how the wire refuses them is the point
        assertEquals(400, api.post("/session", "{\"metadata\":[1]}").status());
        assertEquals(400, api.post("/session", "{\"title\":7}").status());
        assertEquals(400, api.get("/sessions?limit=abc").status());
        assertEquals(404, api.get("/session/not-a-uuid").status());
    }

    @Test
    void sessionsAreFilteredAndTheirTitleAndMetadataChangedWithoutDisturbingTheirPrompts() {
        var subject = "filter-" + System.nanoTime();
        try (var owner = server.client(subject)) {
            var red = owner.sessions().create(NewSession.titled("Red one")
                    .withMetadata(Json.createObjectBuilder().add("team", "red").add("tier", "gold").build())).id();
            var blue = owner.sessions().create(NewSession.titled("Blue one")
                    .withMetadata(Json.createObjectBuilder().add("team", "blue").build())).id();
            var plain = owner.sessions().create().id();
            var all = SessionFilter.all();
            assertEquals(List.of(red), ids(owner, all.withMetadata("team", "red")));
            assertEquals(List.of(red), ids(owner, all.withMetadata("team", "red").withMetadata("tier", "gold")));
            assertEquals(List.of(), ids(owner, all.withMetadata("team", "red").withMetadata("tier", "silver")));
            assertEquals(List.of(), ids(owner, all.withMetadata("team", "' OR 1=1 --")), "a value is data, never SQL");

            // a prompt running while the session is renamed: the rename changes only what it names
            var running = submit(owner, blue, "/slow 200 a b c d e f g h i j k l m n o p");
            awaitRunning(owner, blue, running);
            assertEquals(List.of(blue), ids(owner, all.withStatus("running")));
            var renamed = owner.sessions().update(blue, SessionChanges.create().title("Blue, renamed")
                    .metadata(Json.createObjectBuilder().add("team", "green").build()));
            assertEquals("Blue, renamed", renamed.title());
            assertEquals("green", renamed.metadata().getString("team"));
            assertEquals("completed", awaitEnd(owner, blue, running).status());
            var after = owner.sessions().get(blue);
            assertEquals("Blue, renamed", after.title());
            assertEquals(1, after.promptCount(), "the prompt's counters survive the rename");
            assertEquals(2, after.messageCount());
            assertEquals(List.of(blue), ids(owner, all.withMetadata("team", "green")));
            assertEquals(List.of(plain, blue, red), ids(owner, all.withStatus("idle")));

            var since = owner.sessions().get(blue).updatedAt();
            assertEquals(List.of(blue), ids(owner, all.updatedSince(since)));

            var cleared = owner.sessions().update(red, SessionChanges.create().clearTitle());
            assertNull(cleared.title(), "null clears the title: " + cleared);
            assertEquals("red", cleared.metadata().getString("team"), "what is not given stays");

            var asleep = assertThrows(RafikiException.class, () -> owner.sessions().list(all.withStatus("asleep"), ListOptions.first()));
            assertEquals(400, asleep.status());
            assertEquals("validation-failed", asleep.code());
            // raw: an order, a time and a metadata key the typed client cannot express malformed
            var ownerApi = server.api(subject);
            for (var bad : List.of("?order=sideways", "?updated_since=yesterday", "?metadata.=x")) {
                var refused = ownerApi.get("/sessions" + bad);
                assertEquals(400, refused.status(), bad);
                assertEquals("validation-failed", refused.json().getString("code"), bad);
            }
            // raw: bodies the typed SessionChanges cannot build (a model, nothing, wrong JSON types)
            for (var body : List.of("{\"model\":\"other\"}", "{}", "{\"metadata\":[1]}", "{\"title\":5}", "[]")) {
                assertEquals(400, ownerApi.send("PATCH", "/session/" + red, "application/json", body).status(), body);
            }
            var foreign = assertThrows(RafikiException.class,
                    () -> rafiki.sessions().update(red, SessionChanges.create().title("mine")));
            assertEquals(404, foreign.status(), "someone else's session is not there");
            var unchanged = owner.sessions().get(red);
            assertNull(unchanged.title(), "refused changes changed nothing: " + unchanged);
            assertEquals("red", unchanged.metadata().getString("team"));
        }
    }

    @Test
    void deletingASessionStopsItsRunningPromptAndTakesItsJobsWithIt() throws Exception {
        var subject = "deleter-" + System.nanoTime();
        try (var owner = server.client(subject)) {
            var session = owner.sessions().create().id();
            var job = owner.jobs().submit(SubmitRequest.of("/tool save_artifact {\"name\":\"kept.txt\",\"content\":\"x\"}")
                    .inSession(session)).id();
            assertEquals("completed", owner.jobs().await(job, Duration.ofSeconds(60)).status());
            assertEquals(1, owner.jobs().artifacts(job).size());

            var promptEvents = new LinkedBlockingQueue<Event>();
            try (var activity = owner.events().user().subscribe(new EventListener() {
                @Override
                public void onEvent(Event event) {
                    if (event.type().startsWith("prompt.")) {
                        promptEvents.add(event);
                    }
                }
            })) {
                activity.started().get(10, TimeUnit.SECONDS);
                var running = submit(owner, session, "/slow 1000 one two three four five six seven eight nine ten eleven twelve");
                awaitRunning(owner, session, running);

                owner.sessions().delete(session);
                // the run was stopped, not left going on in a session that is gone
                Event last;
                do {
                    last = promptEvents.poll(20, TimeUnit.SECONDS);
                    assertTrue(last != null, "no end of the prompt within 20 s");
                } while (!last.endsPrompt());
                assertEquals(Event.PROMPT_CANCELLED, last.type(), last.toString());
                assertEquals(running, UUID.fromString(last.data().getString("prompt_id")));
                assertEquals(404, assertThrows(RafikiException.class, () -> owner.sessions().prompt(session, running)).status());
            }
            assertEquals(404, assertThrows(RafikiException.class, () -> owner.sessions().get(session)).status());
            assertEquals(404, assertThrows(RafikiException.class, () -> owner.jobs().get(job)).status(),
                    "a job that ran in the session goes with it");
            var target = Files.createTempDirectory("deleted-job").resolve("kept.txt");
            assertEquals(404, assertThrows(RafikiException.class, () -> owner.jobs().download(job, "kept.txt", target)).status());
            assertFalse(Files.exists(server.dataDir().resolve("workspaces").resolve(session.toString())));

            // its events go with it: the user's feed, replayed from its start, no longer holds them
            // (the event log has no foreign key to cascade on since V18; the deletion removes them)
            var later = owner.sessions().create().id();
            var marker = submit(owner, later, "after the deletion");
            var replayed = new LinkedBlockingQueue<Event>();
            try (var feed = owner.events().user().after(0).subscribe(replayed::add)) {
                feed.started().get(10, TimeUnit.SECONDS);
                var seen = new ArrayList<Event>();
                Event next;
                do {
                    next = replayed.poll(20, TimeUnit.SECONDS);
                    assertTrue(next != null, "the later prompt's end was not replayed within 20 s: " + seen);
                    seen.add(next);
                } while (!(next.endsPrompt() && marker.equals(next.promptId())));
                assertTrue(seen.stream().anyMatch(e -> e.sessionId().equals(later)), "the replay holds the later session's events");
                assertEquals(List.of(), seen.stream().filter(e -> e.sessionId().equals(session)).toList(),
                        "no event of the deleted session is replayed");
            }
        }
    }

    static List<UUID> ids(RafikiClient as, SessionFilter filter) {
        return as.sessions().list(filter, ListOptions.first()).items().stream().map(Session::id).toList();
    }

    @Test
    void messagesArePagedWithACursor() {
        var id = rafiki.sessions().create().id();
        for (int i = 0; i < 7; i++) {
            rafiki.query(QueryRequest.of("m" + i).inSession(id));
        }
        var first = rafiki.sessions().messages(id, ListOptions.limit(5));
        assertEquals(5, first.items().size());
        var rest = rafiki.sessions().messages(id, ListOptions.limit(100).after(first.nextCursor()));
        assertEquals(9, rest.items().size());
        assertTrue(rest.last());
        var all = rafiki.sessions().messages(id);
        assertEquals(14, all.size());
        for (int i = 0; i < 7; i++) {
            assertEquals("m" + i, all.get(2 * i).content());
            assertEquals("echo: m" + i, all.get(2 * i + 1).content());
        }
        assertEquals(400, assertThrows(RafikiException.class,
                () -> rafiki.sessions().messages(id, ListOptions.first().after("abc"))).status());

        // a chat shows the latest first and reads back as it scrolls
        var latest = rafiki.sessions().messages(id, ListOptions.limit(4).descending());
        var back = rafiki.sessions().messages(id, ListOptions.limit(100).descending().after(latest.nextCursor()));
        var reversed = new ArrayList<String>();
        for (Page<Message> page : List.of(latest, back)) {
            page.items().forEach(m -> reversed.add(m.content()));
        }
        var forward = new ArrayList<>(all.stream().map(Message::content).toList());
        java.util.Collections.reverse(forward);
        assertEquals(forward, reversed);
    }

    @Test
    void theQueueShowsWaitingPromptsAndOneCanBeRemoved() {
        var id = rafiki.sessions().create().id();
        var running = submit(id, "/slow 200 a b c d e f g h i j k l m n o p q r s t");
        awaitRunning(id, running);
        var second = submit(id, "second");
        var third = submit(id, "third");

        var queue = rafiki.sessions().queue(id);
        assertEquals(running, queue.runningPromptId());
        var queued = queue.queued();
        assertEquals(2, queued.size());
        assertEquals(second, queued.get(0).promptId());
        assertEquals(1, queued.get(0).position());
        assertEquals(third, queued.get(1).promptId());
        // not paged (the queue is bounded), but read either way: the last queued first, positions kept
        var lastFirst = rafiki.sessions().queue(id, true).queued();
        assertEquals(third, lastFirst.get(0).promptId());
        assertEquals(2, lastFirst.get(0).position());
        assertEquals(second, lastFirst.get(1).promptId());
        // raw: an order that is neither asc nor desc cannot be sent through the client
        var refused = api.get("/session/" + id + "/queue?order=sideways");
        assertEquals(400, refused.status(), refused.body());
        assertEquals("validation-failed", refused.json().getString("code"));

        assertEquals("cancelled", rafiki.sessions().dequeue(id, second).status());
        assertEquals(409, assertThrows(RafikiException.class, () -> rafiki.sessions().dequeue(id, running)).status(),
                "a running prompt is not in the queue");
        assertEquals(404, assertThrows(RafikiException.class, () -> rafiki.sessions().dequeue(id, UUID.randomUUID())).status());

        assertEquals("completed", awaitEnd(id, third).status());
        assertEquals("cancelled", prompt(id, second).status());
        var contents = rafiki.sessions().messages(id).stream().map(Message::content).toList();
        assertFalse(contents.contains("second"), "a removed prompt never ran: " + contents);
    }

    @Test
    void stopCancelsTheRunningPromptKeepsItsPartialOutputAndIsSafeToRepeat() {
        var id = rafiki.sessions().create().id();
        var running = submit(id, "/slow 300 one two three four five six seven eight nine ten");
        var queued = submit(id, "after the stop");
        Await.until("some output", Duration.ofSeconds(20), () -> rafiki.sessions().get(id),
                s -> running.equals(s.runningPromptId()));
        RafikiServer.sleep(500);

        var stop = rafiki.sessions().stop(id, false);
        assertEquals(List.of(running), stop.cancelled());
        var cancelled = awaitEnd(id, running);
        assertEquals("cancelled", cancelled.status());
        assertEquals("completed", awaitEnd(id, queued).status(), "the queue goes on after a stop");
        var again = rafiki.sessions().stop(id, false);
        assertEquals(List.of(), again.cancelled(), "stopping again is harmless");
        assertEquals("cancelled", prompt(id, running).status());
        var partial = Await.until("the partial answer", Duration.ofSeconds(10), () -> rafiki.sessions().messages(id),
                ms -> ms.stream().anyMatch(m -> m.partial() && running.equals(m.promptId())));
        var kept = partial.stream().filter(Message::partial).findFirst().orElseThrow();
        assertTrue(kept.content().startsWith("echo: one"), kept.toString());
        assertFalse(kept.content().contains("ten"), "stopped before the end: " + kept);
    }

    @Test
    void stopWithClearQueueCancelsEverythingPending() {
        var id = rafiki.sessions().create().id();
        var running = submit(id, "/slow 500 a b c d e f g h");
        var queued = List.of(submit(id, "q1"), submit(id, "q2"));
        awaitRunning(id, running);
        var stop = rafiki.sessions().stop(id, true);
        assertEquals(3, stop.cancelled().size());
        for (var p : queued) {
            assertEquals("cancelled", awaitEnd(id, p).status());
        }
        assertEquals("stopped", Await.until("stopped", Duration.ofSeconds(10), () -> rafiki.sessions().get(id),
                s -> !"running".equals(s.status())).status());
    }

    @Test
    void busyRejectRefusesWithTheRunningPrompt() {
        var id = rafiki.sessions().create().id();
        var running = submit(id, "/slow 500 a b c d e f g h i j");
        awaitRunning(id, running);
        var refused = assertThrows(RafikiException.class,
                () -> rafiki.query(QueryRequest.of("now!").inSession(id).withBusy(Busy.REJECT)));
        assertEquals(409, refused.status());
        assertEquals("session-busy", refused.code());
        assertEquals(running.toString(), refused.problem().getString("running_prompt_id"));
        assertEquals(1, rafiki.sessions().get(id).promptCount(), "a rejected prompt is not stored");
        rafiki.sessions().stop(id, false);
    }

    @Test
    void busyInterruptCancelsTheRunningPromptThenRuns() {
        var id = rafiki.sessions().create().id();
        var running = submit(id, "/slow 500 a b c d e f g h i j");
        awaitRunning(id, running);
        var answer = rafiki.query(QueryRequest.of("urgent").inSession(id).withBusy(Busy.INTERRUPT));
        assertEquals("completed", answer.status());
        assertEquals("echo: urgent", answer.answer());
        var interrupted = prompt(id, running);
        assertEquals("cancelled", interrupted.status());
        assertEquals("interrupted", interrupted.error().code());
    }

    @Test
    void busyEnqueueWaitsItsTurn() {
        var id = rafiki.sessions().create().id();
        var running = submit(id, "/slow 50 a b c d");
        var answer = rafiki.query(QueryRequest.of("patient").inSession(id).withBusy(Busy.ENQUEUE));
        assertEquals("echo: patient", answer.answer());
        var first = prompt(id, running);
        assertEquals("completed", first.status());
        assertFalse(first.finishedAt().isAfter(answer.startedAt()), "the second prompt started after the first finished");
    }

    @Test
    void anIdempotentRetryReturnsTheSamePromptAndNeverRunsItTwice() throws Exception {
        var id = rafiki.sessions().create().id();
        var key = "retry-" + System.nanoTime();
        var request = QueryRequest.of("exactly once").inSession(id).withIdempotencyKey(key);
        var futures = new ArrayList<CompletableFuture<Prompt>>();
        for (int i = 0; i < 8; i++) {
            futures.add(CompletableFuture.supplyAsync(() -> rafiki.query(request)));
        }
        var promptIds = new HashSet<UUID>();
        for (var future : futures) {
            var prompt = future.get();
            assertEquals("completed", prompt.status());
            promptIds.add(prompt.id());
        }
        assertEquals(1, promptIds.size(), "all retries name one prompt");
        // raw: the Idempotent-Replayed header is the wire's mark of a replay
        var later = api.post("/query", "{\"prompt\":\"exactly once\",\"session_id\":\"" + id + "\"}", "Idempotency-Key", key);
        assertEquals("true", later.header("Idempotent-Replayed"));
        assertEquals(promptIds.iterator().next().toString(), later.json().getString("id"));
        assertEquals(2, rafiki.sessions().messages(id).size(), "ran once");

        var conflict = assertThrows(RafikiException.class,
                () -> rafiki.query(QueryRequest.of("something else").inSession(id).withIdempotencyKey(key)));
        assertEquals(409, conflict.status());
        assertEquals("idempotency-key-reused", conflict.code());

        try (var someoneElse = server.client("someone-else")) {
            var otherUser = someoneElse.query(QueryRequest.of("exactly once").withIdempotencyKey(key));
            assertEquals("completed", otherUser.status(), "keys are per user");
            assertNotEquals(promptIds.iterator().next(), otherUser.id());
        }
    }

    private static UUID submit(UUID sessionId, String prompt) {
        return submit(rafiki, sessionId, prompt);
    }

    /** {@code POST /query} with {@code Prefer: respond-async}: the prompt's id as soon as it is accepted. */
    private static UUID submit(RafikiClient as, UUID sessionId, String prompt) {
        return as.start(QueryRequest.of(prompt).inSession(sessionId)).id();
    }

    private static Prompt prompt(UUID sessionId, UUID promptId) {
        return rafiki.sessions().prompt(sessionId, promptId);
    }

    private static void awaitRunning(UUID sessionId, UUID promptId) {
        awaitRunning(rafiki, sessionId, promptId);
    }

    private static void awaitRunning(RafikiClient as, UUID sessionId, UUID promptId) {
        Await.until("prompt " + promptId + " running", Duration.ofSeconds(20), () -> as.sessions().prompt(sessionId, promptId),
                p -> "running".equals(p.status()));
    }

    private static Prompt awaitEnd(UUID sessionId, UUID promptId) {
        return awaitEnd(rafiki, sessionId, promptId);
    }

    private static Prompt awaitEnd(RafikiClient as, UUID sessionId, UUID promptId) {
        return Await.until("prompt " + promptId + " to end", Duration.ofSeconds(30), () -> as.sessions().prompt(sessionId, promptId),
                Prompt::terminal);
    }
}
