package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Delayed jobs ({@code run_at}) and schedules through the real server: held as {@code scheduled},
 * then run; cancelled while waiting; bad input refused with stable codes; a schedule's ticks
 * become jobs, listed as its runs; pause and resume; other users see nothing; and a restart
 * catches up by each schedule's missed-run policy. The server's minimum interval is lowered to
 * two seconds so that schedules tick within a test (a every-second cron is still refused).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulesIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    /** The misfire grace of the test server: a tick older than this when a node sees it was missed. */
    static final int GRACE_SECONDS = 5;

    static RafikiServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = RafikiServer.start("schedules", RafikiServer.env(
                "RAFIKI_SCHEDULES_MIN_INTERVAL_SECONDS", "2",
                "RAFIKI_SCHEDULES_MISFIRE_GRACE_SECONDS", Integer.toString(GRACE_SECONDS),
                "RAFIKI_SCHEDULES_MAX_PER_USER", "5",
                "RAFIKI_SESSION_MAX_QUEUE", "2",
                "RAFIKI_JOBS_MAX_DELAY", "P7D"));
        api = server.api("schedules-user");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static JsonObject submit(String json) {
        var response = api.post("/submit", json);
        assertEquals(202, response.status(), response.body());
        return response.json();
    }

    static JsonObject job(String id) {
        var response = api.get("/jobs/" + id);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static JsonObject createSchedule(Api as, String json) {
        var response = as.post("/schedules", json);
        assertEquals(201, response.status(), response.body());
        var schedule = response.json();
        assertTrue(response.header("Location").endsWith("/schedules/" + schedule.getString("id")));
        return schedule;
    }

    /** Every run of a schedule, newest tick first, following the cursor. */
    static List<JsonObject> runs(String scheduleId) {
        var all = new ArrayList<JsonObject>();
        String after = null;
        do {
            var response = api.get("/schedules/" + scheduleId + "/runs?limit=3" + (after == null ? "" : "&after=" + after));
            assertEquals(200, response.status(), response.body());
            var page = response.json();
            page.getJsonArray("items").forEach(item -> all.add(item.asJsonObject()));
            after = page.containsKey("next_cursor") ? page.getString("next_cursor") : null;
        } while (after != null);
        return all;
    }

    static Instant tick(JsonObject run) {
        return Instant.parse(run.getString("tick_at"));
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertEquals(code, response.json().getString("code"), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
    }

    @Test
    @Order(1)
    void aDelayedJobIsScheduledUntilItsTimeThenRunsAndSucceeds() {
        var runAt = Instant.now().plusSeconds(6).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var submitted = submit("{\"prompt\":\"later, please\",\"run_at\":\"" + runAt + "\"}");
        var id = submitted.getString("id");
        assertEquals("scheduled", submitted.getString("status"));
        assertEquals(runAt, Instant.parse(submitted.getString("run_at")));
        assertEquals("scheduled", job(id).getString("status"));
        var listed = api.get("/jobs?status=scheduled").json().getJsonArray("items").stream()
                .map(j -> j.asJsonObject().getString("id")).toList();
        assertTrue(listed.contains(id), listed.toString());

        var done = Await.until("the delayed job to end", WAIT, () -> job(id),
                j -> List.of("completed", "failed", "cancelled").contains(j.getString("status")));
        assertEquals("completed", done.getString("status"), done.toString());
        assertEquals("echo: later, please", done.getString("answer"));
        assertFalse(Instant.parse(done.getString("started_at")).isBefore(runAt), done.toString());
        assertEquals(1, done.getInt("attempts"));
    }

    @Test
    @Order(1)
    void aDelayedJobInItsSessionRunsAfterWhatWasQueuedBeforeItsTime() {
        var session = api.createSession();
        // far enough that "first" is queued before it even on loaded cores (seen: 16 s between the two requests)
        var runAt = Instant.now().plusSeconds(8).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var delayed = submit("{\"prompt\":\"second\",\"session_id\":\"" + session + "\",\"run_at\":\"" + runAt + "\"}");
        var first = submit("{\"prompt\":\"first\",\"session_id\":\"" + session + "\"}");
        Await.until("the delayed job to end", WAIT, () -> job(delayed.getString("id")),
                j -> "completed".equals(j.getString("status")));
        assertEquals("completed", job(first.getString("id")).getString("status"));
        var users = api.messages(session).stream().filter(m -> "user".equals(m.getString("role")))
                .map(m -> m.getString("content")).toList();
        assertEquals(List.of("first", "second"), users);
    }

    @Test
    @Order(1)
    void aDelayedJobCancelledWhileScheduledNeverRuns() {
        var runAt = Instant.now().plusSeconds(3600);
        var id = submit("{\"prompt\":\"never\",\"run_at\":\"" + runAt + "\"}").getString("id");
        var cancelled = api.post("/jobs/" + id + "/cancel", "");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().getString("status"));
        var again = job(id);
        assertEquals("cancelled", again.getString("status"));
        assertFalse(again.containsKey("started_at"), again.toString());
        assertEquals(0, again.getInt("attempts"));
        var scheduled = api.get("/jobs?status=scheduled").json().getJsonArray("items").stream()
                .map(j -> j.asJsonObject().getString("id")).toList();
        assertFalse(scheduled.contains(id));
    }

    @Test
    @Order(1)
    void badRunAtCronAndTimeZoneAreRefusedWithStableCodes() {
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
        assertEquals(0, api.get("/schedules").json().getJsonArray("items").size());
    }

    @Test
    @Order(2)
    void aScheduleFiresItsRunsAreListedPauseStopsItAndResumeStartsItAgain() {
        var schedule = createSchedule(api, "{\"cron\":\"*/2 * * * * *\",\"timezone\":\"Europe/Berlin\","
                + "\"prompt\":\"tick\",\"metadata\":{\"team\":\"blue\"}}");
        var id = schedule.getString("id");
        assertEquals("active", schedule.getString("status"));
        assertEquals("skip", schedule.getString("missed"));
        // a second schedule of the same cadence: its runs show the timer went on while the first was paused
        var witness = createSchedule(api, "{\"cron\":\"*/2 * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"witness\"}")
                .getString("id");

        var firstRuns = Await.until("three runs", WAIT, () -> runs(id), r -> r.size() >= 3);
        var ticks = firstRuns.stream().map(SchedulesIT::tick).toList();
        assertEquals(ticks.size(), new HashSet<>(ticks).size(), "one run per tick: " + ticks);
        for (var run : firstRuns) {
            assertEquals(1, run.getInt("ticks"));
            assertEquals(0, tick(run).getEpochSecond() % 2, run.toString());
            var job = run.getJsonObject("job");
            assertEquals("tick", job.getString("prompt"));
            assertEquals("blue", job.getJsonObject("metadata").getString("team"));
        }
        var lastJob = firstRuns.get(0).getJsonObject("job").getString("id");
        Await.until("a run to succeed", WAIT, () -> job(lastJob), j -> "completed".equals(j.getString("status")));
        // a new session for each run
        assertEquals(firstRuns.size(), firstRuns.stream().map(r -> r.getJsonObject("job").getString("session_id"))
                .distinct().count());

        var paused = api.post("/schedules/" + id + "/pause", "");
        assertEquals(200, paused.status(), paused.body());
        assertEquals("paused", paused.json().getString("status"));
        assertFalse(paused.json().containsKey("next_run_at"));
        int atPause = runs(id).size();
        int witnessAtPause = runs(witness).size();
        Await.until("the witness to run three more times", WAIT, () -> runs(witness).size(), n -> n >= witnessAtPause + 3);
        assertEquals(atPause, runs(id).size(), "a paused schedule fired");
        // paused, its runs hold still: two at a time in either direction, each run once
        var newestFirst = jobIds(api.pages("/schedules/" + id + "/runs", 2));
        var oldestFirst = jobIds(api.pages("/schedules/" + id + "/runs?order=asc", 2));
        assertEquals(atPause, new HashSet<>(newestFirst).size(), newestFirst.toString());
        assertEquals(newestFirst, backwards(oldestFirst));
        assertProblem(api.get("/schedules/" + id + "/runs?order=sideways"), 400, "validation-failed");
        assertEquals("paused", api.get("/schedules/" + id).json().getString("status"));

        var resumedAt = Instant.now();
        var resumed = api.post("/schedules/" + id + "/resume", "");
        assertEquals(200, resumed.status(), resumed.body());
        assertEquals("active", resumed.json().getString("status"));
        var after = Await.until("runs after resume", WAIT, () -> runs(id), r -> r.size() >= atPause + 2);
        // ticks that passed while paused are not run: every new run is for a tick after the resume
        after.subList(0, after.size() - atPause).forEach(run ->
                assertTrue(tick(run).isAfter(resumedAt.minusSeconds(1)), run + " is older than the resume at " + resumedAt));

        var patched = api.send("PATCH", "/schedules/" + id, "application/json", "{\"prompt\":\"tock\"}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("tock", patched.json().getString("prompt"));
        var changed = Await.until("a run with the new prompt", WAIT, () -> runs(id),
                r -> "tock".equals(r.get(0).getJsonObject("job").getString("prompt")));
        assertTrue(changed.size() > atPause + 2);
        assertProblem(api.send("PATCH", "/schedules/" + id, "application/json", "{\"session_id\":null}"), 400,
                "validation-failed");

        assertEquals(204, api.delete("/schedules/" + witness).status());
        assertEquals(204, api.delete("/schedules/" + id).status());
        assertProblem(api.get("/schedules/" + id), 404, "not-found");
        // the jobs it created stay
        assertEquals(200, api.get("/jobs/" + lastJob).status());
    }

    @Test
    @Order(2)
    void aTickWhoseJobIsRefusedIsSkippedWithTheReasonAndTheNextOneRuns() {
        // a long job holds the session and two more fill its queue (this server lets 2 wait)
        var session = api.createSession();
        var holder = submit("{\"prompt\":\"/slow 10000 hold the session\",\"session_id\":\"" + session + "\"}")
                .getString("id");
        Await.until("the holder to run", WAIT, () -> job(holder), j -> "running".equals(j.getString("status")));
        for (int i = 0; i < 2; i++) {
            submit("{\"prompt\":\"/slow 10000 wait\",\"session_id\":\"" + session + "\"}");
        }
        var id = createSchedule(api, "{\"cron\":\"*/2 * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"into a full queue\","
                + "\"session_id\":\"" + session + "\"}").getString("id");
        var refused = Await.until("a tick refused", WAIT, () -> api.get("/schedules/" + id).json(),
                s -> s.containsKey("last_error"));
        assertTrue(refused.getString("last_error").startsWith("queue-full"), refused.toString());
        assertEquals("active", refused.getString("status"));
        assertTrue(refused.containsKey("next_run_at"), refused.toString());
        assertEquals(0, runs(id).size(), "a refused tick left a run");

        var stopped = api.post("/session/" + session + "/stop?clear_queue=true", "");
        assertEquals(200, stopped.status(), stopped.body());
        var ran = Await.until("a run once the queue has room", WAIT, () -> runs(id), r -> !r.isEmpty());
        assertEquals(session, ran.get(ran.size() - 1).getJsonObject("job").getString("session_id"));
        Await.until("the error to clear", WAIT, () -> api.get("/schedules/" + id).json(), s -> !s.containsKey("last_error"));
        assertEquals(204, api.delete("/schedules/" + id).status());
    }

    static List<String> ids(List<JsonObject> schedules) {
        return schedules.stream().map(s -> s.getString("id")).toList();
    }

    static <T> List<T> backwards(List<T> list) {
        var copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    static List<String> jobIds(List<JsonObject> runs) {
        return runs.stream().map(r -> r.getJsonObject("job").getString("id")).toList();
    }

    @Test
    @Order(2)
    void theListIsPagedOldestFirstAndBackwards() {
        var lister = server.api("schedules-lister");
        var made = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            made.add(createSchedule(lister, "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\",\"prompt\":\"s" + i + "\"}")
                    .getString("id"));
        }
        assertEquals(made, ids(lister.pages("/schedules", 2)));
        assertEquals(made, ids(lister.pages("/schedules?order=asc", 2)));
        assertEquals(backwards(made), ids(lister.pages("/schedules?order=desc", 2)));
        assertProblem(lister.get("/schedules?order=newest"), 400, "validation-failed");
        assertProblem(lister.get("/schedules?limit=201"), 400, "validation-failed");
    }

    @Test
    @Order(2)
    void anotherUsersScheduleIsNotFoundAndTheCapHolds() {
        var owner = server.api("schedules-owner");
        var id = createSchedule(owner, "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\",\"prompt\":\"mine\"}").getString("id");
        var intruder = server.api("schedules-intruder");
        assertProblem(intruder.get("/schedules/" + id), 404, "not-found");
        assertProblem(intruder.get("/schedules/" + id + "/runs"), 404, "not-found");
        assertProblem(intruder.send("PATCH", "/schedules/" + id, "application/json", "{\"prompt\":\"theirs\"}"), 404, "not-found");
        assertProblem(intruder.post("/schedules/" + id + "/pause", ""), 404, "not-found");
        assertProblem(intruder.post("/schedules/" + id + "/resume", ""), 404, "not-found");
        assertProblem(intruder.delete("/schedules/" + id), 404, "not-found");
        assertEquals(0, intruder.get("/schedules").json().getJsonArray("items").size());
        assertProblem(intruder.get("/schedules?after=" + id), 404, "not-found");
        assertEquals("mine", owner.get("/schedules/" + id).json().getString("prompt"));
        assertEquals("active", owner.get("/schedules/" + id).json().getString("status"));

        // this server allows 5 schedules per user
        for (int i = 1; i < 5; i++) {
            createSchedule(owner, "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\",\"prompt\":\"n" + i + "\"}");
        }
        assertProblem(owner.post("/schedules", "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\",\"prompt\":\"six\"}"),
                409, "schedule-limit-reached");
        var page = owner.get("/schedules?limit=2").json();
        assertEquals(2, page.getJsonArray("items").size());
        var rest = owner.get("/schedules?limit=10&after=" + page.getString("next_cursor")).json();
        assertEquals(3, rest.getJsonArray("items").size());
        assertNull(rest.get("next_cursor"));
    }

    @Test
    @Order(3)
    void aRestartedServerCatchesUpByEachSchedulesMissedRunPolicy() throws Exception {
        var skip = createSchedule(api, "{\"cron\":\"*/2 * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"skip\","
                + "\"missed\":\"skip\"}").getString("id");
        var once = createSchedule(api, "{\"cron\":\"*/2 * * * * *\",\"timezone\":\"UTC\",\"prompt\":\"once\","
                + "\"missed\":\"run_once\"}").getString("id");
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
            assertEquals(gap / 2, ordered.get(i).getInt("ticks"), "run " + ordered.get(i) + " after " + ordered.get(i - 1));
            caughtUp |= gap > GRACE_SECONDS + 2;
        }
        assertTrue(caughtUp, "no run stands for the outage's ticks: " + onceRuns);
        var caughtUpJob = onceRuns.get(0).getJsonObject("job").getString("id");
        Await.until("the run after the restart to succeed", WAIT, () -> job(caughtUpJob),
                j -> "completed".equals(j.getString("status")));

        var skipRuns = Await.until("skip to run again after the restart", WAIT, () -> runs(skip),
                r -> tick(r.get(0)).isAfter(stoppedAt));
        skipRuns.forEach(run -> assertEquals(1, run.getInt("ticks"), run.toString()));
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
