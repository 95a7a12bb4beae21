package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.SessionEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The group commit against a real PostgreSQL with the application's schema. */
class GroupCommitTest {

    /** The prompt the test's events name; the event table does not check it. */
    static final UUID PROMPT = UUID.randomUUID();
    static EmbeddedPostgres postgres;
    static DataSource db;
    final List<GroupCommit> writers = new ArrayList<>();

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @AfterEach
    void stopWriters() {
        writers.forEach(GroupCommit::stop);
    }

    GroupCommit writer() {
        var writer = new GroupCommit();
        writer.dataSource = db;
        writer.hub = new EventHub();
        writer.tracing = dev.rafiki.platform.tracing.Tracing.off();
        writer.settings = dev.rafiki.platform.config.Settings.defaults(PromptSettings.class);
        writer.counters = new dev.rafiki.budget.control.UsageCounters();
        writer.threads = new ManagedThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                return new Thread(r);
            }

            @Override
            public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
                throw new UnsupportedOperationException();
            }
        };
        writers.add(writer);
        return writer;
    }

    static UUID session(String owner) throws SQLException {
        var id = UUID.randomUUID();
        try (var c = db.getConnection(); var insert = c.prepareStatement("""
                INSERT INTO agent_session (id, owner, model, created_at, updated_at) VALUES (?, ?, 'echo', now(), now())""")) {
            insert.setObject(1, id);
            insert.setString(2, owner);
            insert.executeUpdate();
        }
        return id;
    }

    static UUID runningPrompt(UUID session, String owner) throws SQLException {
        var id = UUID.randomUUID();
        try (var c = db.getConnection(); var insert = c.prepareStatement("""
                INSERT INTO prompt (id, session_id, seq, owner, content, status, created_at)
                VALUES (?, ?, 1, ?, 'p', 'running', now())""")) {
            insert.setObject(1, id);
            insert.setObject(2, session);
            insert.setString(3, owner);
            insert.executeUpdate();
        }
        return id;
    }

    /** Holds the writer inside the unit's batch until {@code gate} opens; {@code writing} opens when it is there. */
    static void holdUntil(GroupCommit.Unit unit, CountDownLatch writing, CountDownLatch gate) {
        unit.step(c -> {
            writing.countDown();
            try {
                return gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static GroupCommit.Unit unit(GroupCommit writer, UUID session, String owner, int events) {
        var unit = writer.open(session, owner);
        for (int i = 0; i < events; i++) {
            unit.event(new SessionEvent.MessageDelta(PROMPT, Integer.toString(i)));
        }
        return unit;
    }

    static List<String> texts(String sql, Object key) throws SQLException {
        return column(sql, key, String.class);
    }

    static List<Long> column(String sql, Object key) throws SQLException {
        return column(sql, key, Long.class);
    }

    static <T> List<T> column(String sql, Object key, Class<T> type) throws SQLException {
        try (var c = db.getConnection(); var select = c.prepareStatement(sql)) {
            select.setObject(1, key);
            var values = new ArrayList<T>();
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getObject(1, type));
                }
            }
            return values;
        }
    }

    static List<Long> oneTo(long n) {
        var values = new ArrayList<Long>();
        for (long i = 1; i <= n; i++) {
            values.add(i);
        }
        return values;
    }

    @Test
    void aBadUnitInABatchFailsAloneAndTheOthersCommit() throws Exception {
        var writer = writer();
        var owner = "batch-" + UUID.randomUUID();
        var session = session(owner);
        // the first unit holds the writer until the others are queued, so they form one batch
        var queued = new CountDownLatch(1);
        var blocker = unit(writer, session, owner, 1);
        holdUntil(blocker, new CountDownLatch(1), queued);
        writer.submit(blocker);
        var good = new ArrayList<CompletableFuture<GroupCommit.Result>>();
        for (int i = 0; i < 5; i++) {
            good.add(writer.submit(unit(writer, session, owner, 2)));
        }
        var bad = unit(writer, session, owner, 2);
        bad.step(c -> {
            try (var s = c.createStatement()) {
                s.execute("INSERT INTO account (owner) VALUES (NULL)"); // violates NOT NULL
            }
            return true;
        });
        var badResult = writer.submit(bad);
        for (int i = 0; i < 5; i++) {
            good.add(writer.submit(unit(writer, session, owner, 2)));
        }
        queued.countDown();

        var failure = assertThrows(ExecutionException.class, () -> badResult.get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof SQLException, "the bad unit fails with its own error");
        for (var result : good) {
            assertTrue(result.get(10, TimeUnit.SECONDS).applied());
            assertEquals(2, result.get().events().size());
        }
        assertEquals(oneTo(21), column("SELECT seq FROM event WHERE session_id = ? ORDER BY seq", session),
                "every good unit's events, numbered without a gap");
        assertEquals(oneTo(21), column("SELECT user_seq FROM event WHERE owner = ? ORDER BY user_seq", owner));
    }

    @Test
    void whatTheDatabaseCannotStoreIsARefusalOfTheDataNotAnOutage() throws Exception {
        var writer = writer();
        var owner = "refusal-" + UUID.randomUUID();
        var session = session(owner);
        var prompt = runningPrompt(session, owner);
        // what a model or a tool may produce, unless cleaned: a NUL character, a tool call id too long for its column
        var refusals = List.of(List.of("a\0b", "call-1", "22021"), List.of("fine", "c".repeat(300), "22001"));
        for (var refusal : refusals) {
            var unit = writer.open(session, owner);
            unit.message(prompt, "tool", refusal.get(0), false, Instant.now(), null, refusal.get(1), false);
            var failure = assertThrows(ExecutionException.class, () -> writer.submit(unit).get(10, TimeUnit.SECONDS));
            assertEquals(refusal.get(2), dev.rafiki.platform.db.SqlStates.dataRefusal(failure), failure.getCause().toString());
            assertFalse(SessionWorker.outage(failure), "the database answered: no outage");
        }
        assertEquals(List.of(), column("SELECT id FROM message WHERE prompt_id = ?", prompt));
    }

    @Test
    void aPromptsDeltasWrittenTogetherAreOneDeltaAndNothingElseIsMerged() throws Exception {
        var writer = writer();
        var owner = "deltas-" + UUID.randomUUID();
        var session = session(owner);
        var other = UUID.randomUUID();
        var worker = "worker-" + UUID.randomUUID();
        try (var c = db.getConnection(); var claim = c.prepareStatement("UPDATE agent_session SET worker = ? WHERE id = ?")) {
            claim.setString(1, worker);
            claim.setObject(2, session);
            claim.executeUpdate();
        }
        var first = writer.open(session, owner);
        var events = new ClaimedEvents(writer, session, owner, worker, first);
        events.event(new SessionEvent.MessageDelta(PROMPT, "echo: "));
        events.event(new SessionEvent.MessageDelta(PROMPT, "fan out"));
        events.event(new SessionEvent.MessageDelta(PROMPT, " 12"));
        events.event(new SessionEvent.MessageDelta(other, "another prompt's"));
        events.event(new SessionEvent.MessageDelta(PROMPT, "after it"));
        events.event(new SessionEvent.PromptStarted(PROMPT, 2, "echo"));
        events.event(new SessionEvent.MessageDelta(PROMPT, "after an event"));
        assertTrue(writer.commit(first).applied());
        // the first unit is sealed: what follows goes to a unit of its own
        events.event(new SessionEvent.MessageDelta(PROMPT, "next unit"));
        assertTrue(events.awaitDurable());

        var stored = texts("SELECT type || ' ' || coalesce(data::jsonb->>'text', '') FROM event WHERE session_id = ? ORDER BY seq",
                session);
        assertEquals(List.of("message.delta echo: fan out 12", "message.delta another prompt's", "message.delta after it",
                "prompt.started ", "message.delta after an event", "message.delta next unit"), stored);
        assertEquals(oneTo(6), column("SELECT user_seq FROM event WHERE owner = ? ORDER BY user_seq", owner));
    }

    @Test
    void aRefusedUnitWritesNothingAndTakesNoNumber() throws Exception {
        var writer = writer();
        var owner = "fence-" + UUID.randomUUID();
        var session = session(owner);
        var first = writer.submit(unit(writer, session, owner, 3));
        var refused = unit(writer, session, owner, 3);
        refused.step(c -> false);
        refused.step(c -> {
            throw new AssertionError("steps after a refusing one do not run");
        });
        refused.count(1, 1, 0, 0, 0, 0);
        var refusedResult = writer.submit(refused);
        var last = writer.submit(unit(writer, session, owner, 3));

        assertTrue(first.get(10, TimeUnit.SECONDS).applied());
        assertFalse(refusedResult.get(10, TimeUnit.SECONDS).applied());
        assertTrue(refusedResult.get().events().isEmpty());
        var lastEvents = last.get(10, TimeUnit.SECONDS).events();
        assertEquals(List.of(4L, 5L, 6L), lastEvents.stream().map(e -> e.seq()).toList());
        assertEquals(oneTo(6), column("SELECT user_seq FROM event WHERE owner = ? ORDER BY user_seq", owner));
        assertEquals(List.of(0L), column("SELECT prompt_count FROM agent_session WHERE id = ?", session),
                "a refused unit's counters are not added");
    }

    @Test
    void twoWritersNumberOneUsersEventsWithoutGapsInCommitOrder() throws Exception {
        // two nodes' writers, each with its own connection, writing for the same user at once
        var owner = "two-nodes-" + UUID.randomUUID();
        var sessions = new ArrayList<UUID>();
        for (int s = 0; s < 8; s++) {
            sessions.add(session(owner));
        }
        var nodes = List.of(writer(), writer());
        var completions = new ArrayList<List<Long>>();
        for (int n = 0; n < nodes.size(); n++) {
            completions.add(Collections.synchronizedList(new ArrayList<>()));
        }
        var all = new ArrayList<CompletableFuture<GroupCommit.Result>>();
        var submitters = new ArrayList<Thread>();
        for (int t = 0; t < 8; t++) {
            int node = t % 2;
            var session = sessions.get(t);
            var submitter = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    var writer = nodes.get(node);
                    var unit = unit(writer, session, owner, 1 + i % 3);
                    // heard on the writer's thread as it completes units, in its commit order
                    unit.done().thenAccept(r -> r.events().forEach(e -> completions.get(node).add(e.userSeq())));
                    var result = writer.submit(unit);
                    synchronized (all) {
                        all.add(result);
                    }
                }
            });
            submitters.add(submitter);
            submitter.start();
        }
        for (var submitter : submitters) {
            submitter.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long expected = 8L * (17 + 34 + 48); // 50 units per thread: 17 of 1 event, 17 of 2, 16 of 3
        assertEquals(oneTo(expected), column("SELECT user_seq FROM event WHERE owner = ? ORDER BY user_seq", owner),
                "the user's numbers are gap-free and unique across both writers");
        for (var node : completions) {
            var inOrder = new ArrayList<>(node);
            Collections.sort(inOrder);
            assertEquals(inOrder, node, "each writer's commits carry increasing user numbers");
        }
        for (var session : sessions) {
            var seqs = column("SELECT seq FROM event WHERE session_id = ? ORDER BY seq", session);
            assertEquals(oneTo(seqs.size()), seqs);
        }
    }

    @Test
    void aWriterOutlivesAFailingConnection() throws Exception {
        var writer = writer();
        var owner = "recover-" + UUID.randomUUID();
        var session = session(owner);
        assertTrue(writer.submit(unit(writer, session, owner, 1)).get(10, TimeUnit.SECONDS).applied());
        var killer = unit(writer, session, owner, 1);
        killer.step(c -> {
            try (var s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pg_backend_pid())");
            }
            return true;
        });
        assertThrows(ExecutionException.class, () -> writer.submit(killer).get(10, TimeUnit.SECONDS));
        assertTrue(writer.submit(unit(writer, session, owner, 1)).get(10, TimeUnit.SECONDS).applied(),
                "the next unit gets a new connection");
        assertEquals(oneTo(2), column("SELECT seq FROM event WHERE session_id = ? ORDER BY seq", session));
    }

    @Test
    void whatABatchsPromptsCostIsChargedToTheirUsersAndProfilesUnlessTheirUnitIsRefused() throws Exception {
        var writer = writer();
        var owner = "charges-" + UUID.randomUUID();
        var agent = UUID.randomUUID();
        var session = session(owner);
        var queued = new CountDownLatch(1);
        var blocker = unit(writer, session, owner, 0);
        holdUntil(blocker, new CountDownLatch(1), queued);
        writer.submit(blocker);
        var today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        var results = new ArrayList<CompletableFuture<GroupCommit.Result>>();
        for (var agentId : java.util.Arrays.asList(agent, null, agent)) {
            var unit = unit(writer, session, owner, 0);
            unit.charge(new dev.rafiki.budget.control.UsageCounters.Charge(owner, agentId, today, 10, 5, 1, 300));
            results.add(writer.submit(unit));
        }
        var refused = unit(writer, session, owner, 0);
        refused.step(c -> false);
        refused.charge(new dev.rafiki.budget.control.UsageCounters.Charge(owner, agent, today, 1000, 1000, 1, 1000));
        results.add(writer.submit(refused));
        queued.countDown();
        for (var result : results) {
            result.get(10, TimeUnit.SECONDS);
        }

        assertEquals(List.of(30L, 15L, 3L, 900L), column("""
                SELECT unnest(ARRAY[input_tokens, output_tokens, tool_calls, tool_millis]) FROM budget_usage
                WHERE scope = 'user' AND subject = ?""", owner), "three applied prompts, in one row for the day");
        assertEquals(List.of(20L, 10L, 2L, 600L), column("""
                SELECT unnest(ARRAY[input_tokens, output_tokens, tool_calls, tool_millis]) FROM budget_usage
                WHERE scope = 'agent' AND subject = ?""", agent.toString()), "only the prompts that ran with the profile");
    }

    @Test
    void oneBatchOfSeveralUsersAndSessionsNumbersEveryEventAsStoredAndWritesEveryMergedRow() throws Exception {
        var writer = writer();
        var alice = "batch-alice-" + UUID.randomUUID();
        var bob = "batch-bob-" + UUID.randomUUID();
        var sessions = List.of(session(alice), session(bob), session(alice), session(bob));
        var gate = new CountDownLatch(1);
        var blocker = unit(writer, sessions.get(0), alice, 0);
        holdUntil(blocker, new CountDownLatch(1), gate);
        writer.submit(blocker);
        // queued behind the blocked batch: one batch, units of two users, two units per session
        var results = new ArrayList<CompletableFuture<GroupCommit.Result>>();
        var marks = new ArrayList<String>();
        for (int round = 0; round < 2; round++) {
            for (int s = 0; s < sessions.size(); s++) {
                var owner = s % 2 == 0 ? alice : bob;
                var unit = unit(writer, sessions.get(s), owner, 1 + s);
                for (int w = 0; w < 2; w++) {
                    // consecutive writes of one statement travel as one step; each row must still land
                    var mark = owner + "/" + round + "/" + s + "/" + w;
                    marks.add(mark);
                    unit.write("INSERT INTO account (owner) VALUES (?)", (insert, at) -> insert.setString(at + 1, mark));
                }
                results.add(writer.submit(unit));
            }
        }
        gate.countDown();
        var stored = new ArrayList<dev.rafiki.event.control.StoredEvent>();
        for (var result : results) {
            var r = result.get(10, TimeUnit.SECONDS);
            assertTrue(r.applied());
            stored.addAll(r.events());
        }

        assertEquals(2 * (1 + 2 + 3 + 4), stored.size());
        try (var c = db.getConnection(); var select = c.prepareStatement("""
                SELECT seq, user_seq, data FROM event WHERE session_id = ? ORDER BY seq""")) {
            for (var session : sessions) {
                var mine = stored.stream().filter(e -> e.sessionId().equals(session)).toList();
                select.setObject(1, session);
                var rows = new ArrayList<String>();
                try (var r = select.executeQuery()) {
                    while (r.next()) {
                        rows.add(r.getLong(1) + " " + r.getLong(2) + " " + r.getString(3));
                    }
                }
                assertEquals(mine.stream().map(e -> e.seq() + " " + e.userSeq() + " " + e.data()).toList(), rows,
                        "what the writer handed on is what it stored");
                assertEquals(oneTo(mine.size()), mine.stream().map(e -> e.seq()).toList());
            }
        }
        for (var owner : List.of(alice, bob)) {
            var numbers = column("SELECT user_seq FROM event WHERE owner = ? ORDER BY user_seq", owner);
            assertEquals(oneTo(numbers.size()), numbers, "each user's numbers are gap-free");
            assertEquals(List.of((long) numbers.size()), column("SELECT next_event_seq FROM account WHERE owner = ?", owner));
        }
        for (var mark : marks) {
            assertEquals(List.of(0L), column("SELECT next_event_seq FROM account WHERE owner = ?", mark), mark);
        }
    }

    @Test
    void aBatchsMessagesAreStoredWithEveryFieldInTheOrderTheirUnitsWroteThem() throws Exception {
        var writer = writer();
        var owner = "messages-" + UUID.randomUUID();
        var sessions = List.of(session(owner), session(owner));
        var prompts = List.of(runningPrompt(sessions.get(0), owner), runningPrompt(sessions.get(1), owner));
        var gate = new CountDownLatch(1);
        var blocker = unit(writer, sessions.get(0), owner, 0);
        holdUntil(blocker, new CountDownLatch(1), gate);
        writer.submit(blocker);
        // queued behind the blocked batch: one batch, two units per session, interleaved, and one refused unit
        var at = Instant.parse("2026-12-02T10:15:30.123456Z");
        var results = new ArrayList<CompletableFuture<GroupCommit.Result>>();
        for (int round = 0; round < 2; round++) {
            for (int s = 0; s < 2; s++) {
                var unit = writer.open(sessions.get(s), owner);
                unit.message(prompts.get(s), "assistant", "it's \"quoted\", {braced}, back\\slashed, NULL " + round,
                        round == 1, at, "[{\"id\":\"c" + round + "\"}]", null, false);
                unit.message(prompts.get(s), "tool", "ünïcode " + round, false, at, null, "c" + round, round == 1);
                results.add(writer.submit(unit));
            }
        }
        var refused = writer.open(sessions.get(1), owner);
        refused.step(c -> false);
        refused.message(prompts.get(1), "assistant", "never stored", false, at, null, null, false);
        var refusal = writer.submit(refused);
        gate.countDown();
        for (var result : results) {
            assertTrue(result.get(10, TimeUnit.SECONDS).applied());
        }
        assertFalse(refusal.get(10, TimeUnit.SECONDS).applied());

        try (var c = db.getConnection(); var select = c.prepareStatement("""
                SELECT prompt_id, role, content, partial, created_at, tool_calls, tool_call_id, is_error
                FROM message WHERE session_id = ? ORDER BY id""")) {
            for (int s = 0; s < 2; s++) {
                select.setObject(1, sessions.get(s));
                var rows = new ArrayList<String>();
                try (var r = select.executeQuery()) {
                    while (r.next()) {
                        rows.add(String.join("|", r.getString(1), r.getString(2), r.getString(3),
                                Boolean.toString(r.getBoolean(4)), r.getTimestamp(5).toInstant().toString(),
                                String.valueOf(r.getString(6)), String.valueOf(r.getString(7)),
                                Boolean.toString(r.getBoolean(8))));
                    }
                }
                var p = prompts.get(s).toString();
                assertEquals(List.of(
                        p + "|assistant|it's \"quoted\", {braced}, back\\slashed, NULL 0|false|" + at + "|[{\"id\":\"c0\"}]|null|false",
                        p + "|tool|ünïcode 0|false|" + at + "|null|c0|false",
                        p + "|assistant|it's \"quoted\", {braced}, back\\slashed, NULL 1|true|" + at + "|[{\"id\":\"c1\"}]|null|false",
                        p + "|tool|ünïcode 1|false|" + at + "|null|c1|true"), rows);
            }
        }
    }

    @Test
    void aCallerWaitingForItsUnitWritesItItselfWhenNothingElseIsBeingWritten() throws Exception {
        var writer = writer();
        var owner = "inline-" + UUID.randomUUID();
        var session = session(owner);
        assertTrue(writer.submit(unit(writer, session, owner, 1)).get(10, TimeUnit.SECONDS).applied());
        // the writer answers its batch before it lets go of it: until then a caller would hand on
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!writer.idle() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        var ranOn = new ArrayList<Thread>();
        var unit = unit(writer, session, owner, 2);
        unit.step(c -> ranOn.add(Thread.currentThread()));
        var result = writer.commit(unit);

        assertTrue(result.applied());
        assertEquals(List.of(Thread.currentThread()), ranOn, "written on the caller's thread, not handed to the writer");
        assertEquals(List.of(2L, 3L), result.events().stream().map(e -> e.seq()).toList());
        assertEquals(oneTo(3), column("SELECT seq FROM event WHERE session_id = ? ORDER BY seq", session));
    }

    @Test
    void aCallerWaitingForItsUnitQueuesBehindABatchBeingWrittenAndKeepsTheOrder() throws Exception {
        var writer = writer();
        var owner = "behind-" + UUID.randomUUID();
        var session = session(owner);
        assertTrue(writer.submit(unit(writer, session, owner, 1)).get(10, TimeUnit.SECONDS).applied());
        var writing = new CountDownLatch(1);
        var gate = new CountDownLatch(1);
        var blocker = unit(writer, session, owner, 1);
        holdUntil(blocker, writing, gate);
        var blocked = writer.submit(blocker);
        assertTrue(writing.await(10, TimeUnit.SECONDS));

        var ranOn = new ArrayList<Thread>();
        var committed = CompletableFuture.supplyAsync(() -> {
            var unit = unit(writer, session, owner, 2);
            unit.step(c -> ranOn.add(Thread.currentThread()));
            return writer.commit(unit);
        });
        Thread.sleep(200); // it would have written by now, had it not waited for the batch in flight
        assertFalse(committed.isDone(), "it waits for the batch being written");
        gate.countDown();

        assertTrue(blocked.get(10, TimeUnit.SECONDS).applied());
        var result = committed.get(10, TimeUnit.SECONDS);
        assertTrue(result.applied());
        assertEquals(List.of(3L, 4L), result.events().stream().map(e -> e.seq()).toList(), "numbered after the batch before it");
        assertEquals(1, ranOn.size(), "written once");
        assertEquals(oneTo(4), column("SELECT seq FROM event WHERE session_id = ? ORDER BY seq", session));
    }

    @Test
    void waitingForAUnitTheWriterAlreadyHasDoesNotHoldTheWriterUp() throws Exception {
        var writer = writer();
        var owner = "queued-" + UUID.randomUUID();
        var session = session(owner);
        var writing = new CountDownLatch(1);
        var gate = new CountDownLatch(1);
        var blocker = unit(writer, session, owner, 1);
        holdUntil(blocker, writing, gate);
        writer.submit(blocker);
        assertTrue(writing.await(10, TimeUnit.SECONDS));
        var unit = unit(writer, session, owner, 1);
        writer.submit(unit);
        // as a run does when its unit was handed on early: it waits for the commit the writer makes
        var committed = CompletableFuture.supplyAsync(() -> writer.commit(unit));
        gate.countDown();

        assertTrue(committed.get(10, TimeUnit.SECONDS).applied());
        assertEquals(oneTo(2), column("SELECT seq FROM event WHERE session_id = ? ORDER BY seq", session));
    }

    @Test
    void aUnitWrittenByItsCallerNeverOvertakesOneItsSessionHandedOnBefore() throws Exception {
        var writer = writer();
        var owner = "overtake-" + UUID.randomUUID();
        var session = session(owner);
        assertTrue(writer.submit(unit(writer, session, owner, 1)).get(10, TimeUnit.SECONDS).applied());
        // as a run does: its streamed events handed on without waiting, then its end written and waited for
        var expected = new ArrayList<String>();
        expected.add("\"0\"");
        for (int i = 0; i < 200; i++) {
            var streamed = writer.open(session, owner);
            streamed.event(new SessionEvent.MessageDelta(PROMPT, "streamed " + i));
            writer.submit(streamed);
            var end = writer.open(session, owner);
            end.event(new SessionEvent.MessageDelta(PROMPT, "end " + i));
            assertTrue(writer.commit(end).applied());
            expected.add("streamed " + i);
            expected.add("end " + i);
        }
        var stored = texts("SELECT data FROM event WHERE session_id = ? ORDER BY seq", session);
        assertEquals(expected.size(), stored.size());
        for (int i = 1; i < expected.size(); i++) {
            assertTrue(stored.get(i).contains(expected.get(i)), i + ": " + stored.get(i) + " where " + expected.get(i) + " belongs");
        }
    }

    static void claim(UUID session, String worker) throws SQLException {
        try (var c = db.getConnection(); var claim = c.prepareStatement("UPDATE agent_session SET worker = ? WHERE id = ?")) {
            claim.setString(1, worker);
            claim.setObject(2, session);
            claim.executeUpdate();
        }
    }

    @Test
    void aLoneUnitOfStatementsIsWrittenInOneTripWithItsFencesWritesAndCommit() throws Exception {
        var writer = writer();
        var owner = "one-trip-" + UUID.randomUUID();
        var session = session(owner);
        var worker = "worker-" + UUID.randomUUID();
        claim(session, worker);
        var mark = "mark-" + UUID.randomUUID();
        var unit = unit(writer, session, owner, 2);
        ClaimedEvents.holds(unit, session, worker);
        unit.write("INSERT INTO account (owner) VALUES (?)", (insert, at) -> insert.setString(at + 1, mark));
        unit.count(1, 0, 0, 0, 0, 0);

        var result = writer.commit(unit);

        assertTrue(result.applied());
        assertEquals(List.of(1L, 2L), result.events().stream().map(e -> e.seq()).toList());
        assertEquals(1, writer.inOneTrip.get(), "one trip");
        assertEquals(0, writer.againStepByStep.get());
        assertEquals(List.of(mark), texts("SELECT owner FROM account WHERE owner = ?", mark), "its write is committed");
        assertEquals(List.of(1L), column("SELECT prompt_count FROM agent_session WHERE id = ?", session));
        assertEquals(oneTo(2), column("SELECT user_seq FROM event WHERE owner = ? ORDER BY user_seq", owner));
    }

    @Test
    void aLoneUnitWhoseFenceDoesNotTakeIsRefusedWritesNothingAndTheConnectionGoesOn() throws Exception {
        var writer = writer();
        var owner = "one-trip-refused-" + UUID.randomUUID();
        var session = session(owner);
        claim(session, "someone-else");
        var mark = "mark-" + UUID.randomUUID();
        var refused = unit(writer, session, owner, 2);
        ClaimedEvents.holds(refused, session, "a-worker-that-lost-its-claim");
        refused.write("INSERT INTO account (owner) VALUES (?)", (insert, at) -> insert.setString(at + 1, mark));
        refused.count(1, 0, 0, 0, 0, 0);

        var result = writer.commit(refused);

        assertFalse(result.applied(), "the fence refuses the unit; it does not fail it");
        assertTrue(result.events().isEmpty());
        assertEquals(1, writer.againStepByStep.get(), "the server stopped the trip at the fence, before its COMMIT");
        assertEquals(List.of(), texts("SELECT owner FROM account WHERE owner = ?", mark), "nothing of it is written");
        assertEquals(List.of(0L), column("SELECT prompt_count FROM agent_session WHERE id = ?", session));
        var next = writer.commit(unit(writer, session, owner, 1));
        assertTrue(next.applied(), "the same connection writes the next unit");
        assertEquals(List.of(1L), next.events().stream().map(e -> e.seq()).toList(), "the refused unit took no number");
        assertEquals(2, writer.inOneTrip.get() + writer.againStepByStep.get());
    }

    @Test
    void aLoneUnitThatBreaksAConstraintFailsWithTheDatabasesErrorAndWritesNothing() throws Exception {
        var writer = writer();
        var owner = "one-trip-duplicate-" + UUID.randomUUID();
        var session = session(owner);
        var unit = unit(writer, session, owner, 1);
        // the account row of the unit's own owner is written by the numbering statement after this one
        unit.write("INSERT INTO account (owner) VALUES (?)", (insert, at) -> insert.setString(at + 1, owner));
        unit.write("INSERT INTO account (owner) VALUES (?)", (insert, at) -> insert.setString(at + 1, owner));

        var failure = assertThrows(java.util.concurrent.CompletionException.class, () -> writer.commit(unit));

        assertEquals("23505", ((SQLException) failure.getCause()).getSQLState(), failure.getCause().toString());
        assertEquals(1, writer.againStepByStep.get());
        assertEquals(List.of(), texts("SELECT owner FROM account WHERE owner = ?", owner));
        assertEquals(List.of(), column("SELECT seq FROM event WHERE session_id = ?", session));
        assertTrue(writer.commit(unit(writer, session, owner, 1)).applied());
    }
}
