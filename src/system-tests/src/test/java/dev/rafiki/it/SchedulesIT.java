package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.ListOptions;
import dev.rafiki.client.NewSchedule;
import dev.rafiki.client.Page;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.Schedule;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

/**
 * Delayed jobs ({@code run_at}) and schedules through the real server: held as {@code scheduled},
 * then run; cancelled while waiting; bad input refused with stable codes; a schedule's ticks
 * become jobs, listed as its runs; pause and resume; other users see nothing; and a restart
 * catches up by each schedule's missed-run policy. The server's minimum interval is lowered to
 * two seconds so that schedules tick within a test (a every-second cron is still refused).
 * Through the Java client; raw {@link Api} calls remain only where the wire itself is tested.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulesIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    /** The misfire grace of the test server: a tick older than this when a node sees it was missed. */
    static final int GRACE_SECONDS = 5;

    static RafikiServer server;
    static Api api;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        server = RafikiServer.start("schedules", RafikiServer.env(
                "RAFIKI_SCHEDULES_MIN_INTERVAL_SECONDS", "2",
                "RAFIKI_SCHEDULES_MISFIRE_GRACE_SECONDS", Integer.toString(GRACE_SECONDS),
                "RAFIKI_SCHEDULES_MAX_PER_USER", "5",
                "RAFIKI_SESSION_MAX_QUEUE", "2",
                "RAFIKI_JOBS_MAX_DELAY", "P7D"));
        api = server.api("schedules-user");
        rafiki = server.client("schedules-user");
    }

    @AfterAll
    static void stop() {
        if (rafiki != null) {
            rafiki.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    static UUID submit(SubmitRequest request) {
        return rafiki.jobs().submit(request).id();
    }

    static dev.rafiki.client.Job job(UUID id) {
        return rafiki.jobs().get(id);
    }

    /** The items of every page, each read with the options and the previous page's cursor. */
    static <T> List<T> pages(Function<ListOptions, Page<T>> read, ListOptions options) {
        var all = new ArrayList<T>();
        String after = null;
        do {
            var page = read.apply(options.after(after));
            all.addAll(page.items());
            after = page.nextCursor();
        } while (after != null);
        return all;
    }

    /** Every run of a schedule, newest tick first, following the cursor. */
    static List<Schedule.Run> runs(UUID scheduleId) {
        return pages(options -> rafiki.schedules().runs(scheduleId, options), ListOptions.limit(3));
    }

    static Instant tick(Schedule.Run run) {
        return run.tickAt();
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertEquals(code, response.json().getString("code"), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
    }

    /** The refusal as the client reports it: its status and the problem's code. */
    static void assertRefused(Executable call, int status, String code) {
        var refused = assertThrows(RafikiException.class, call);
        assertEquals(status, refused.status(), refused.getMessage());
        assertEquals(code, refused.code(), refused.getMessage());
    }

    static NewSchedule everyTwoSeconds(String timezone, String prompt) {
        return NewSchedule.of("*/2 * * * * *", timezone, prompt);
    }

    @Test
    @Order(1)
    void aDelayedJobIsScheduledUntilItsTimeThenRunsAndSucceeds() {
        var runAt = Instant.now().plusSeconds(6).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var submitted = rafiki.jobs().submit(SubmitRequest.of("later, please").at(runAt.atOffset(ZoneOffset.UTC)));
        var id = submitted.id();
        assertEquals("scheduled", submitted.status());
        assertEquals(runAt, submitted.runAt());
        assertEquals("scheduled", job(id).status());
        var listed = rafiki.jobs().list(ListOptions.first(), "scheduled").items().stream().map(dev.rafiki.client.Job::id).toList();
        assertTrue(listed.contains(id), listed.toString());

        var done = Await.until("the delayed job to end", WAIT, () -> job(id), dev.rafiki.client.Job::terminal);
        assertEquals("completed", done.status(), done.toString());
        assertEquals("echo: later, please", done.answer());
        assertFalse(done.startedAt().isBefore(runAt), done.toString());
        assertEquals(1, done.attempts());
    }

    @Test
    @Order(1)
    void aDelayedJobInItsSessionRunsAfterWhatWasQueuedBeforeItsTime() {
        var session = rafiki.sessions().create().id();
        // far enough that "first" is queued before it even on loaded cores (seen: 16 s between the two requests)
        var runAt = Instant.now().plusSeconds(8).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var delayed = submit(SubmitRequest.of("second").inSession(session).at(runAt.atOffset(ZoneOffset.UTC)));
        var first = submit(SubmitRequest.of("first").inSession(session));
        Await.until("the delayed job to end", WAIT, () -> job(delayed), j -> "completed".equals(j.status()));
        assertEquals("completed", job(first).status());
        var users = rafiki.sessions().messages(session).stream().filter(m -> "user".equals(m.role()))
                .map(dev.rafiki.client.Message::content).toList();
        assertEquals(List.of("first", "second"), users);
    }

    @Test
    @Order(1)
    void aDelayedJobCancelledWhileScheduledNeverRuns() {
        var runAt = Instant.now().plusSeconds(3600);
        var id = submit(SubmitRequest.of("never").at(runAt.atOffset(ZoneOffset.UTC)));
        assertEquals("cancelled", rafiki.jobs().cancel(id).status());
        var again = job(id);
        assertEquals("cancelled", again.status());
        assertNull(again.startedAt(), again.toString());
        assertEquals(0, again.attempts());
        var scheduled = rafiki.jobs().list(ListOptions.first(), "scheduled").items().stream().map(dev.rafiki.client.Job::id).toList();
        assertFalse(scheduled.contains(id));
    }

    @Test
    @Order(1)
    void badRunAtCronAndTimeZoneAreRefusedWithStableCodes() {
        // raw: malformed times and bodies no typed request can build, and the refusals' stable codes
        // in problem+json are the point
        for (var runAt : List.of("99999-01-01T00:00:00Z", "+99999-01-01T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-02-30T10:00:00Z", "2026-12-01T10:00:00", "tomorrow", "2026-12-01T25:00:00Z", "")) {
            assertProblem(api.post("/submit", "{\"prompt\":\"x\",\"run_at\":\"" + runAt + "\"}"), 400, "invalid-run-at");
        }
        assertProblem(api.post("/submit", "{\"prompt\":\"x\",\"run_at\":\"" + Instant.now().plus(Duration.ofDays(8)) + "\"}"),
                400, "invalid-run-at");
        assertProblem(api.post("/submit", "{\"prompt\":\"x\",\"run_at\":42}"), 400, "validation-failed");

        for (var cron : List.of("* * *", "61 * * * *", "* * * * * * *", "0 0 30 2 *", "every minute")) {
            assertProblem(api.post("/schedules", "{\"cron\":\"" + cron + "\",\"timezone\":\"UTC\",\"prompt\":\"x\"}"),
                    400, "invalid-cron");
        }
        // every second: the server allows two at the least
        assertProblem(api.post("/schedules", "{\"cron\":\"* * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"x\"}"),
                400, "cron-too-frequent");
        for (var zone : List.of("Mars/Olympus_Mons", "CEST", "UTC+25", "../../etc/passwd")) {
            assertProblem(api.post("/schedules", "{\"cron\":\"0 9 * * *\",\"timezone\":\"" + zone + "\",\"prompt\":\"x\"}"),
                    400, "invalid-timezone");
        }
        assertProblem(api.post("/schedules", "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\",\"prompt\":\"x\",\"missed\":\"all\"}"),
                400, "validation-failed");
        assertProblem(api.post("/schedules", "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\"}"), 400, "validation-failed");
        // missing or blank: a required field like any other
        assertProblem(api.post("/schedules", "{\"cron\":\"0 9 * * *\",\"timezone\":\" \",\"prompt\":\"x\"}"), 400,
                "validation-failed");
        // nothing was created by any of these
        assertEquals(0, rafiki.schedules().list(ListOptions.first()).items().size());
    }

    @Test
    @Order(2)
    void aScheduleFiresItsRunsAreListedPauseStopsItAndResumeStartsItAgain() {
        var schedule = rafiki.schedules().create(everyTwoSeconds("Europe/Berlin", "tick")
                .withMetadata(Json.createObjectBuilder().add("team", "blue").build()));
        var id = schedule.id();
        assertEquals("active", schedule.status());
        assertEquals("skip", schedule.missed());
        // a second schedule of the same cadence: its runs show the timer went on while the first was paused
        // raw: the create's 201 and its Location header are the wire
        var created = api.post("/schedules", "{\"cron\":\"*/2 * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"witness\"}");
        assertEquals(201, created.status(), created.body());
        var witness = UUID.fromString(created.json().getString("id"));
        assertTrue(created.header("Location").endsWith("/schedules/" + witness), created.header("Location"));

        var firstRuns = Await.until("three runs", WAIT, () -> runs(id), r -> r.size() >= 3);
        var ticks = firstRuns.stream().map(SchedulesIT::tick).toList();
        assertEquals(ticks.size(), new HashSet<>(ticks).size(), "one run per tick: " + ticks);
        for (var run : firstRuns) {
            assertEquals(1, run.ticks());
            assertEquals(0, tick(run).getEpochSecond() % 2, run.toString());
            assertEquals("tick", run.job().prompt());
            assertEquals("blue", run.job().metadata().getString("team"));
        }
        var lastJob = firstRuns.get(0).job().id();
        Await.until("a run to succeed", WAIT, () -> job(lastJob), j -> "completed".equals(j.status()));
        // a new session for each run
        assertEquals(firstRuns.size(), firstRuns.stream().map(r -> r.job().sessionId()).distinct().count());

        var paused = rafiki.schedules().pause(id);
        assertEquals("paused", paused.status());
        assertNull(paused.nextRunAt());
        int atPause = runs(id).size();
        int witnessAtPause = runs(witness).size();
        Await.until("the witness to run three more times", WAIT, () -> runs(witness).size(), n -> n >= witnessAtPause + 3);
        assertEquals(atPause, runs(id).size(), "a paused schedule fired");
        // paused, its runs hold still: two at a time in either direction, each run once
        var newestFirst = jobIds(pages(options -> rafiki.schedules().runs(id, options), ListOptions.limit(2)));
        var oldestFirst = jobIds(pages(options -> rafiki.schedules().runs(id, options), ListOptions.limit(2).ascending()));
        assertEquals(atPause, new HashSet<>(newestFirst).size(), newestFirst.toString());
        assertEquals(newestFirst, backwards(oldestFirst));
        // raw: an order the client cannot send
        assertProblem(api.get("/schedules/" + id + "/runs?order=sideways"), 400, "validation-failed");
        assertEquals("paused", rafiki.schedules().get(id).status());

        var resumedAt = Instant.now();
        assertEquals("active", rafiki.schedules().resume(id).status());
        var after = Await.until("runs after resume", WAIT, () -> runs(id), r -> r.size() >= atPause + 2);
        // ticks that passed while paused are not run: every new run is for a tick after the resume
        after.subList(0, after.size() - atPause).forEach(run ->
                assertTrue(tick(run).isAfter(resumedAt.minusSeconds(1)), run + " is older than the resume at " + resumedAt));

        assertEquals("tock", rafiki.schedules().update(id, Map.of("prompt", "tock")).prompt());
        var changed = Await.until("a run with the new prompt", WAIT, () -> runs(id),
                r -> "tock".equals(r.get(0).job().prompt()));
        assertTrue(changed.size() > atPause + 2);
        // raw: a JSON null the typed change cannot send
        assertProblem(api.send("PATCH", "/schedules/" + id, "application/json", "{\"session_id\":null}"), 400,
                "validation-failed");

        rafiki.schedules().delete(witness);
        rafiki.schedules().delete(id);
        assertRefused(() -> rafiki.schedules().get(id), 404, "not-found");
        // the jobs it created stay
        assertEquals(lastJob, job(lastJob).id());
    }

    @Test
    @Order(2)
    void aTickWhoseJobIsRefusedIsSkippedWithTheReasonAndTheNextOneRuns() {
        // a long job holds the session and two more fill its queue (this server lets 2 wait)
        var session = rafiki.sessions().create().id();
        var holder = submit(SubmitRequest.of("/slow 10000 hold the session").inSession(session));
        Await.until("the holder to run", WAIT, () -> job(holder), j -> "running".equals(j.status()));
        for (int i = 0; i < 2; i++) {
            submit(SubmitRequest.of("/slow 10000 wait").inSession(session));
        }
        var id = rafiki.schedules().create(NewSchedule.of("*/2 * * * * *", "UTC", "into a full queue").inSession(session)).id();
        var refused = Await.until("a tick refused", WAIT, () -> rafiki.schedules().get(id), s -> s.lastError() != null);
        assertTrue(refused.lastError().startsWith("queue-full"), refused.toString());
        assertEquals("active", refused.status());
        assertNotNull(refused.nextRunAt(), refused.toString());
        assertEquals(0, runs(id).size(), "a refused tick left a run");

        rafiki.sessions().stop(session, true);
        var ran = Await.until("a run once the queue has room", WAIT, () -> runs(id), r -> !r.isEmpty());
        assertEquals(session, ran.get(ran.size() - 1).job().sessionId());
        Await.until("the error to clear", WAIT, () -> rafiki.schedules().get(id), s -> s.lastError() == null);
        rafiki.schedules().delete(id);
    }

    static List<UUID> ids(List<Schedule> schedules) {
        return schedules.stream().map(Schedule::id).toList();
    }

    static <T> List<T> backwards(List<T> list) {
        var copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    static List<UUID> jobIds(List<Schedule.Run> runs) {
        return runs.stream().map(r -> r.job().id()).toList();
    }

    @Test
    @Order(2)
    void theListIsPagedOldestFirstAndBackwards() {
        try (var lister = server.client("schedules-lister")) {
            var made = new ArrayList<UUID>();
            for (int i = 0; i < 5; i++) {
                made.add(lister.schedules().create(NewSchedule.of("0 9 * * *", "UTC", "s" + i)).id());
            }
            assertEquals(made, ids(pages(options -> lister.schedules().list(options), ListOptions.limit(2))));
            assertEquals(made, ids(pages(options -> lister.schedules().list(options), ListOptions.limit(2).ascending())));
            assertEquals(backwards(made), ids(pages(options -> lister.schedules().list(options), ListOptions.limit(2).descending())));
        }
        // raw: an order the client cannot send, and the problem+json of a limit out of range
        var listerApi = server.api("schedules-lister");
        assertProblem(listerApi.get("/schedules?order=newest"), 400, "validation-failed");
        assertProblem(listerApi.get("/schedules?limit=201"), 400, "validation-failed");
    }

    @Test
    @Order(2)
    void anotherUsersScheduleIsNotFoundAndTheCapHolds() {
        try (var owner = server.client("schedules-owner"); var intruder = server.client("schedules-intruder")) {
            var id = owner.schedules().create(NewSchedule.of("0 9 * * *", "UTC", "mine")).id();
            assertRefused(() -> intruder.schedules().get(id), 404, "not-found");
            assertRefused(() -> intruder.schedules().runs(id, ListOptions.first()), 404, "not-found");
            assertRefused(() -> intruder.schedules().update(id, Map.of("prompt", "theirs")), 404, "not-found");
            assertRefused(() -> intruder.schedules().pause(id), 404, "not-found");
            assertRefused(() -> intruder.schedules().resume(id), 404, "not-found");
            assertRefused(() -> intruder.schedules().delete(id), 404, "not-found");
            assertEquals(0, intruder.schedules().list(ListOptions.first()).items().size());
            assertRefused(() -> intruder.schedules().list(ListOptions.first().after(id.toString())), 404, "not-found");
            assertEquals("mine", owner.schedules().get(id).prompt());
            assertEquals("active", owner.schedules().get(id).status());

            // this server allows 5 schedules per user
            for (int i = 1; i < 5; i++) {
                owner.schedules().create(NewSchedule.of("0 9 * * *", "UTC", "n" + i));
            }
            assertRefused(() -> owner.schedules().create(NewSchedule.of("0 9 * * *", "UTC", "six")), 409, "schedule-limit-reached");
            var page = owner.schedules().list(ListOptions.limit(2));
            assertEquals(2, page.items().size());
            var rest = owner.schedules().list(ListOptions.limit(10).after(page.nextCursor()));
            assertEquals(3, rest.items().size());
            assertTrue(rest.last());
        }
    }

    @Test
    @Order(3)
    void aRestartedServerCatchesUpByEachSchedulesMissedRunPolicy() throws Exception {
        var skip = rafiki.schedules().create(everyTwoSeconds("UTC", "skip").missed("skip")).id();
        var once = rafiki.schedules().create(everyTwoSeconds("UTC", "once").missed("run_once")).id();
        Await.until("both schedules to run", WAIT, () -> runs(skip).size() + "/" + runs(once).size(),
                n -> !n.startsWith("0/") && !n.endsWith("/0"));

        server.stop();
        var stoppedAt = Instant.now();
        // a start takes far longer than the grace (and than a tick): the ticks in between are missed
        server.launch();

        var onceRuns = Await.until("run_once to run after the restart", WAIT, () -> runs(once),
                r -> tick(r.get(0)).isAfter(stoppedAt));
        // every tick is accounted for exactly once: each run stands for the ticks since the previous run
        var ordered = new ArrayList<>(onceRuns);
        java.util.Collections.reverse(ordered);
        boolean caughtUp = false;
        for (int i = 1; i < ordered.size(); i++) {
            long gap = Duration.between(tick(ordered.get(i - 1)), tick(ordered.get(i))).toSeconds();
            assertEquals(gap / 2, ordered.get(i).ticks(), "run " + ordered.get(i) + " after " + ordered.get(i - 1));
            caughtUp |= gap > GRACE_SECONDS + 2;
        }
        assertTrue(caughtUp, "no run stands for the outage's ticks: " + onceRuns);
        var caughtUpJob = onceRuns.get(0).job().id();
        Await.until("the run after the restart to succeed", WAIT, () -> job(caughtUpJob),
                j -> "completed".equals(j.status()));

        var skipRuns = Await.until("skip to run again after the restart", WAIT, () -> runs(skip),
                r -> tick(r.get(0)).isAfter(stoppedAt));
        skipRuns.forEach(run -> assertEquals(1, run.ticks(), run.toString()));
        // the missed ticks were dropped, not run late: the outage shows as a gap between two runs
        var ticks = skipRuns.stream().map(SchedulesIT::tick).sorted().toList();
        long widest = 0;
        for (int i = 1; i < ticks.size(); i++) {
            widest = Math.max(widest, Duration.between(ticks.get(i - 1), ticks.get(i)).toSeconds());
        }
        assertTrue(widest > GRACE_SECONDS + 2, "skip ran the missed ticks: " + ticks);
        try (var db = server.database(); var st = db.createStatement();
             var rs = st.executeQuery("SELECT count(*), count(DISTINCT tick_at) FROM schedule_run WHERE schedule_id IN ('"
                     + skip + "', '" + once + "') GROUP BY schedule_id")) {
            while (rs.next()) {
                assertEquals(rs.getInt(1), rs.getInt(2), "one run per tick");
            }
        }
    }
}
