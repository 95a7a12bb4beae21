package dev.rafiki.prompt.control;

import dev.rafiki.budget.control.UsageCounters;
import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.platform.db.DbTime;
import dev.rafiki.platform.db.SchemaMigrator;
import dev.rafiki.platform.tracing.Tracing;
import io.opentelemetry.context.Context;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit: the durable writes of many prompts go to PostgreSQL in one transaction, so a
 * burst of prompts costs one WAL flush, not one per prompt. One writer thread takes whatever
 * units are waiting, runs them as one batch, commits, and only then completes their futures and
 * hands their events to the hub: nothing a unit wrote reaches anyone before it is durable (the
 * output gate). While a batch commits, the next one gathers.
 * <p>
 * A unit is one session's share of a batch: steps run in order, and a step may refuse (a fence:
 * the claim is no longer the writer's, the session changed under a cached view of it), which
 * drops the unit's remaining steps and events. Refusing steps come before any writing step of
 * their unit, so a refused unit has written nothing. Event numbers are assigned at commit, with
 * one counter update per session and per user and batch, under the same row locks every other
 * writer takes (session rows, then the user's account row), so they stay gap-free and in commit
 * order even with other writers and other nodes. A batch that fails is retried unit by unit, so a
 * bad unit fails alone. What the batch's runs cost is added to the budget counters last, after the
 * accounts, in the counters' own lock order ({@link UsageCounters}).
 */
@ApplicationScoped
public class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

    @Resource(lookup = SchemaMigrator.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    EventHub hub;

    @Inject
    Tracing tracing;

    @Inject
    UsageCounters counters;

    @Inject
    PromptSettings settings;

    private final LinkedBlockingQueue<Unit> queue = new LinkedBlockingQueue<>();
    private volatile Thread writer;
    private volatile boolean stopped;
    /** Held by whoever writes a batch: the writer thread, or a caller writing its own ({@link #commit}). */
    private final ReentrantLock writing = new ReentrantLock();
    /**
     * Units handed to the writer thread and not yet written. While there are any, a caller of
     * {@link #commit} queues behind them: a unit must never overtake one its session handed on before.
     */
    private final AtomicInteger handedOn = new AtomicInteger();
    /** Guarded by {@link #writing}. */
    private Connection connection;
    /** Lone units written in one round trip, and those the server refused there and that went again step by step. */
    final AtomicLong inOneTrip = new AtomicLong();
    final AtomicLong againStepByStep = new AtomicLong();

    /** One step of a unit, run on the writer's connection inside the batch transaction. */
    @FunctionalInterface
    public interface Step {
        /** @return false to refuse the unit (only before any writing step of the unit) */
        boolean run(Connection connection) throws SQLException;
    }

    /** Sets the parameters of a batched statement for one unit. */
    @FunctionalInterface
    public interface Binder {
        /**
         * @param at how many parameters come before the statement's first: it sets {@code at + 1}
         *           on (a lone unit's statements go to the server as one, see {@link #executeAlone})
         */
        void bind(PreparedStatement statement, int at) throws SQLException;
    }

    /**
     * A statement that the writer sends together with the same statement of the other units of
     * its batch (one round trip for all). Consecutive writes of a unit with the same statement (a
     * prompt's messages) are one step, with one binder each. A guard has one binder and refuses
     * its unit unless it changed exactly one row.
     */
    record Batched(String sql, List<Binder> binders, boolean guard) {
    }

    /** What a committed unit produced. {@code applied} is false when one of its fences refused it. */
    public record Result(boolean applied, List<StoredEvent> events) {
    }

    /** Changes of a session's counters that a unit makes; added up per session and batch. */
    public static final class Counts {
        long prompts;
        long messages;
        long inputTokens;
        long outputTokens;
        long toolCalls;
        long toolMillis;

        void add(Counts other) {
            prompts += other.prompts;
            messages += other.messages;
            inputTokens += other.inputTokens;
            outputTokens += other.outputTokens;
            toolCalls += other.toolCalls;
            toolMillis += other.toolMillis;
        }
    }

    private record NewEvent(UUID promptId, String type, String data, Instant at) {
    }

    private record NewMessage(UUID promptId, String role, String content, boolean partial, Instant at,
                              String toolCalls, String toolCallId, boolean isError) {
    }

    /** One session's writes; open until the writer seals it, and then immutable. */
    public static final class Unit {
        final UUID sessionId;
        final String owner;
        /** {@link Step}s and {@link Batched} statements, in order. */
        private final List<Object> steps = new ArrayList<>();
        private final List<NewEvent> events = new ArrayList<>();
        /** The event last added, as given: what {@link #extend} may add to. */
        private SessionEvent lastEvent;
        private final List<NewMessage> messages = new ArrayList<>();
        private final Counts counts = new Counts();
        private final List<UsageCounters.Charge> charges = new ArrayList<>();
        private boolean sealed;
        private boolean submitted;
        final CompletableFuture<Result> done = new CompletableFuture<>();
        /** The span of whoever wrote the unit: its commit and delivery are traced under it. */
        final Context trace = Context.current();

        Unit(UUID sessionId, String owner) {
            this.sessionId = sessionId;
            this.owner = owner;
        }

        /** @return false once sealed: the caller must put what it wanted to add in a new unit */
        public synchronized boolean step(Step step) {
            if (sealed) {
                return false;
            }
            steps.add(step);
            return true;
        }

        /** A write sent in one round trip with the same statement of the batch's other units. */
        public synchronized boolean write(String sql, Binder binder) {
            if (sealed) {
                return false;
            }
            if (!steps.isEmpty() && steps.get(steps.size() - 1) instanceof Batched last
                && !last.guard() && last.sql().equals(sql)) {
                last.binders().add(binder);
            } else {
                steps.add(new Batched(sql, new ArrayList<>(List.of(binder)), false));
            }
            return true;
        }

        /** A fence: an UPDATE that must change exactly one row, else the unit is refused. */
        public synchronized boolean guard(String sql, Binder binder) {
            if (sealed) {
                return false;
            }
            steps.add(new Batched(sql, List.of(binder), true));
            return true;
        }

        /**
         * A message of the session's history. Written with the batch's counters and events, after
         * every step of the batch: no step reads messages, so a unit's later steps need not wait
         * for its messages, and the batch's messages cost no round trip of their own.
         */
        public synchronized boolean message(UUID promptId, String role, String content, boolean partial,
                                            Instant at, String toolCalls, String toolCallId, boolean isError) {
            if (sealed) {
                return false;
            }
            messages.add(new NewMessage(promptId, role, content, partial, at, toolCalls, toolCallId, isError));
            return true;
        }

        public boolean event(SessionEvent event) {
            // encoded before the unit's lock is taken: the writer may be waiting to seal it
            var data = event.data();
            synchronized (this) {
                if (sealed) {
                    return false;
                }
                events.add(new NewEvent(event.promptId(), event.type(), data, DbTime.now()));
                lastEvent = event;
                return true;
            }
        }

        /**
         * Adds {@code delta}'s text to the unit's last event when that is a delta of the same
         * prompt: deltas committed together reach every client at the same instant, so as one
         * event they show the same text for one row and one frame per subscriber fewer.
         *
         * @return false when the unit is sealed or its last event is no such delta
         */
        public boolean extend(SessionEvent.MessageDelta delta) {
            SessionEvent.MessageDelta previous;
            synchronized (this) {
                if (sealed || !(lastEvent instanceof SessionEvent.MessageDelta last)
                    || !last.promptId().equals(delta.promptId())) {
                    return false;
                }
                previous = last;
            }
            var merged = new SessionEvent.MessageDelta(delta.promptId(), previous.text() + delta.text());
            var data = merged.data(); // outside the lock, as in event()
            synchronized (this) {
                if (sealed || lastEvent != previous) {
                    return false;
                }
                var replaced = events.get(events.size() - 1);
                events.set(events.size() - 1, new NewEvent(replaced.promptId(), replaced.type(), data, replaced.at()));
                lastEvent = merged;
                return true;
            }
        }

        /** Adds to the session's counters when the unit is applied. */
        public synchronized boolean count(long prompts, long messages, long inputTokens, long outputTokens,
                                          long toolCalls, long toolMillis) {
            if (sealed) {
                return false;
            }
            counts.prompts += prompts;
            counts.messages += messages;
            counts.inputTokens += inputTokens;
            counts.outputTokens += outputTokens;
            counts.toolCalls += toolCalls;
            counts.toolMillis += toolMillis;
            return true;
        }

        /** Charges what a run cost to its user's and its profile's spending when the unit is applied. */
        public synchronized boolean charge(UsageCounters.Charge charge) {
            if (sealed) {
                return false;
            }
            charges.add(charge);
            return true;
        }

        /** Runs {@code change} atomically with respect to sealing; false if the unit was already sealed. */
        public synchronized boolean ifOpen(Runnable change) {
            if (sealed) {
                return false;
            }
            change.run();
            return true;
        }

        public synchronized boolean sealed() {
            return sealed;
        }

        public CompletableFuture<Result> done() {
            return done;
        }

        synchronized void seal() {
            sealed = true;
        }

        /** Every step is a statement (no code runs between them): the unit can go in one round trip. */
        boolean pipelined() {
            for (var step : steps) {
                if (!(step instanceof Batched)) {
                    return false;
                }
            }
            return true;
        }
    }

    public Unit open(UUID sessionId, String owner) {
        return new Unit(sessionId, owner);
    }

    /** Queues the unit for the next batch; it may still take steps and events until sealed. */
    public CompletableFuture<Result> submit(Unit unit) {
        synchronized (unit) {
            if (unit.submitted) {
                return unit.done;
            }
            unit.submitted = true;
        }
        start();
        handedOn.incrementAndGet();
        queue.add(unit);
        return unit.done;
    }

    /**
     * Commits the unit and waits for it, as {@code submit(unit).join()} does. When no batch is
     * being written or waiting, the caller writes its unit itself (with whatever joined the queue
     * meanwhile) instead of handing it to the writer thread and waiting to be woken: two thread
     * hand-offs fewer, which is most of what a lone prompt's commit costs besides the database.
     * Only on the writer's connection, so never on one the caller's transaction could enlist.
     *
     * @throws CompletionException as {@code join} does, when the unit failed
     */
    public Result commit(Unit unit) {
        boolean queued;
        synchronized (unit) {
            queued = unit.submitted;
            unit.submitted = true;
        }
        if (queued) {
            return unit.done.join();
        }
        if (handedOn.get() == 0 && !stopped && writing.tryLock()) {
            try {
                if (connection != null) {
                    // what was handed on meanwhile (by other threads) goes first, as it would have
                    var batch = new ArrayList<Unit>();
                    queue.drainTo(batch, Math.max(0, settings.groupCommitMaxUnits - 1));
                    int others = batch.size();
                    batch.add(unit);
                    batch.forEach(Unit::seal);
                    try {
                        writeGuarded(batch);
                    } finally {
                        handedOn.addAndGet(-others);
                    }
                    return unit.done.join();
                }
            } finally {
                writing.unlock();
            }
        }
        start();
        handedOn.incrementAndGet();
        queue.add(unit);
        return unit.done.join();
    }

    /** Nothing handed on is waiting or being written: a caller's {@link #commit} would write its unit itself. */
    boolean idle() {
        return handedOn.get() == 0 && !writing.isLocked();
    }

    private void start() {
        if (writer != null) {
            return;
        }
        synchronized (this) {
            if (writer == null && !stopped) {
                var thread = threads.newThread(this::loop);
                thread.setName("rafiki-group-commit");
                thread.setDaemon(true);
                thread.start();
                writer = thread;
            }
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        var thread = writer;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void loop() {
        var batch = new ArrayList<Unit>();
        while (!stopped) {
            try {
                var first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                writing.lockInterruptibly();
                try {
                    queue.drainTo(batch, Math.max(0, settings.groupCommitMaxUnits - 1));
                    batch.forEach(Unit::seal);
                    writeGuarded(batch);
                } finally {
                    handedOn.addAndGet(-batch.size());
                    writing.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(unit -> unit.done.completeExceptionally(new IllegalStateException("the server is stopping")));
                break;
            }
        }
        writing.lock();
        try {
            closeConnection();
        } finally {
            writing.unlock();
        }
        Unit left;
        while ((left = queue.poll()) != null) {
            left.done.completeExceptionally(new IllegalStateException("the server is stopping"));
        }
    }

    private void writeGuarded(List<Unit> batch) {
        try {
            write(batch);
        } catch (RuntimeException | Error e) {
            // the writer must outlive anything one batch does
            LOG.log(Level.SEVERE, "group commit: unexpected failure of a batch", e);
            batch.forEach(unit -> unit.done.completeExceptionally(e));
        }
    }

    private void write(List<Unit> batch) {
        try {
            long started = epochNanos();
            var results = execute(batch);
            long committed = epochNanos();
            deliver(results);
            traced(results, batch.size(), started, committed);
        } catch (SQLException whole) {
            if (batch.size() == 1) {
                fail(batch.get(0), whole);
                return;
            }
            // one bad unit must not fail the others: each goes alone
            for (var unit : batch) {
                try {
                    long started = epochNanos();
                    var results = execute(List.of(unit));
                    long committed = epochNanos();
                    deliver(results);
                    traced(results, 1, started, committed);
                } catch (SQLException alone) {
                    fail(unit, alone);
                }
            }
        }
    }

    /** A commit span and a delivery span for each traced unit, under the span that wrote it. */
    private void traced(Map<Unit, Result> results, int units, long started, long committed) {
        long delivered = epochNanos();
        results.forEach((unit, result) -> {
            tracing.record("rafiki.commit", unit.trace, started, committed,
                    Map.of("rafiki.batch_units", (long) units, "rafiki.applied", result.applied() ? 1L : 0L));
            tracing.record("rafiki.deliver", unit.trace, committed, delivered,
                    Map.of("rafiki.events", (long) result.events().size()));
        });
    }

    private static long epochNanos() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void fail(Unit unit, SQLException e) {
        LOG.log(Level.FINE, "group commit: a unit of session " + unit.sessionId + " failed", e);
        unit.done.completeExceptionally(e);
    }

    private void deliver(Map<Unit, Result> results) {
        var all = new ArrayList<StoredEvent>();
        results.values().forEach(result -> all.addAll(result.events()));
        all.sort(Comparator.comparing(StoredEvent::owner).thenComparingLong(StoredEvent::userSeq));
        try {
            hub.committed(all);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "group commit: delivering committed events failed; subscribers catch up from the log", e);
        }
        // in numbering order, so a writer's completions carry increasing numbers
        results.forEach((unit, result) -> unit.done.complete(result));
    }

    /**
     * Runs the batch in one transaction and commits it. Units go in waves, each with at most one
     * unit per session (a session's units in their order, wave after wave); within a wave the
     * units' first steps run, then their second steps, and so on, and the same statement of all
     * units is one JDBC batch: a round trip per statement and wave, not per unit.
     */
    private Map<Unit, Result> execute(List<Unit> batch) throws SQLException {
        var c = connection();
        if (batch.size() == 1 && batch.get(0).pipelined()) {
            try {
                var results = executeAlone(c, batch.get(0));
                inOneTrip.incrementAndGet();
                return results;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                if (connection != c) {
                    // the connection is gone: whether the COMMIT ran is unknown, so the unit is not written again
                    throw e instanceof SQLException sql ? sql : new SQLException("group commit failed", e);
                }
                // the server refused a statement, so nothing was written: again statement by statement, where a
                // fence that does not take refuses the unit instead of failing it
                againStepByStep.incrementAndGet();
            }
        }
        try {
            // sessions in one order on every writer, so two batches never wait on each other in a cycle
            var ordered = new ArrayList<>(batch);
            ordered.sort(Comparator.comparing((Unit u) -> u.sessionId));
            var applied = new LinkedHashMap<Unit, Boolean>();
            ordered.forEach(unit -> applied.put(unit, true));
            for (var wave : waves(ordered)) {
                run(c, wave, applied);
            }
            var charged = charges(ordered, applied);
            var results = numberAndInsert(c, ordered, applied, charged, List.of());
            c.commit(); // a no-op when the numbering statement committed, as it does unless every unit was refused
            counters.forget(charged);
            return results;
        } catch (SQLException | RuntimeException e) {
            rollback(c);
            throw e instanceof SQLException sql ? sql : new SQLException("group commit failed", e);
        }
    }

    /**
     * A lone unit whose steps are all statements: its fences, its writes, the numbering statement
     * and the COMMIT go to the server together, one round trip instead of three or more. A fence
     * that does not take fails its statement ({@link PipelinedSql#checked}), so the server skips
     * what follows it, the COMMIT too, and the caller writes the unit again the usual way.
     */
    private Map<Unit, Result> executeAlone(Connection c, Unit unit) throws SQLException {
        var ordered = List.of(unit);
        var applied = new LinkedHashMap<Unit, Boolean>();
        applied.put(unit, true);
        var prelude = new ArrayList<Map.Entry<PipelinedSql.Part, Binder>>();
        for (var step : unit.steps) {
            var batched = (Batched) step;
            var part = batched.guard() ? PipelinedSql.checked(batched.sql()) : PipelinedSql.plain(batched.sql());
            for (var binder : batched.binders()) {
                prelude.add(Map.entry(part, binder));
            }
        }
        var charged = charges(ordered, applied);
        var results = numberAndInsert(c, ordered, applied, charged, prelude);
        counters.forget(charged);
        return results;
    }

    /** Charged last, after the accounts: budget rows are the last locks every writer takes. */
    private static List<UsageCounters.Charge> charges(List<Unit> ordered, Map<Unit, Boolean> applied) {
        var charges = new ArrayList<UsageCounters.Charge>();
        for (var unit : ordered) {
            if (applied.get(unit)) {
                charges.addAll(unit.charges);
            }
        }
        return charges;
    }

    private static List<List<Unit>> waves(List<Unit> ordered) {
        var waves = new ArrayList<List<Unit>>();
        var seen = new HashMap<UUID, Integer>();
        for (var unit : ordered) {
            int wave = seen.merge(unit.sessionId, 1, Integer::sum) - 1;
            while (waves.size() <= wave) {
                waves.add(new ArrayList<>());
            }
            waves.get(wave).add(unit);
        }
        return waves;
    }

    private static void run(Connection c, List<Unit> wave, Map<Unit, Boolean> applied) throws SQLException {
        for (int round = 0; ; round++) {
            var groups = new LinkedHashMap<String, List<Map.Entry<Unit, Batched>>>();
            boolean any = false;
            for (var unit : wave) {
                if (!applied.get(unit) || unit.steps.size() <= round) {
                    continue;
                }
                any = true;
                var step = unit.steps.get(round);
                if (step instanceof Batched batched) {
                    groups.computeIfAbsent(batched.sql(), sql -> new ArrayList<>()).add(Map.entry(unit, batched));
                } else if (!((Step) step).run(c)) {
                    applied.put(unit, false);
                }
            }
            if (!any) {
                return;
            }
            for (var group : groups.entrySet()) {
                try (var statement = c.prepareStatement(group.getKey())) {
                    for (var entry : group.getValue()) {
                        for (var binder : entry.getValue().binders()) {
                            binder.bind(statement, 0);
                            statement.addBatch();
                        }
                    }
                    var counts = statement.executeBatch();
                    int i = 0;
                    for (var entry : group.getValue()) {
                        var batched = entry.getValue();
                        if (batched.guard() && counts[i] != 1) {
                            applied.put(entry.getKey(), false);
                        }
                        i += batched.binders().size();
                    }
                }
            }
        }
    }

    /**
     * Numbers the batch's events and writes them with the sessions' and the users' counters, the
     * batch's messages and what its runs cost, in one statement (one round trip instead of one per table): the
     * sessions' counters first (their rows are already locked by the fences), then the users' (in
     * owner order, as every writer locks them), then the events, then the budget counters. Numbers come from the counters as they were updated, so they are
     * gap-free and in commit order; an event of a session that is gone takes no number.
     */
    private Map<Unit, Result> numberAndInsert(Connection c, List<Unit> ordered, Map<Unit, Boolean> applied,
                                              List<UsageCounters.Charge> charged,
                                              List<Map.Entry<PipelinedSql.Part, Binder>> prelude) throws SQLException {
        var perSession = new LinkedHashMap<UUID, Counts>();
        var eventsPerSession = new LinkedHashMap<UUID, Integer>();
        int eventCount = 0;
        int messageCount = 0;
        for (var unit : ordered) {
            if (!applied.get(unit)) {
                continue;
            }
            perSession.computeIfAbsent(unit.sessionId, id -> new Counts()).add(unit.counts);
            eventsPerSession.merge(unit.sessionId, unit.events.size(), Integer::sum);
            eventCount += unit.events.size();
            messageCount += unit.messages.size();
        }
        // each event's place in its session, as the statement numbers it and as the results below do
        var ordinals = new Long[eventCount];
        var sessionBase = new HashMap<UUID, Long>();
        var userBase = new HashMap<String, Long>();
        if (!perSession.isEmpty()) {
            int n = perSession.size();
            var ids = new UUID[n];
            var columns = new Long[7][n];
            int i = 0;
            for (var entry : perSession.entrySet()) {
                var counts = entry.getValue();
                ids[i] = entry.getKey();
                columns[0][i] = (long) eventsPerSession.get(entry.getKey());
                columns[1][i] = counts.prompts;
                columns[2][i] = counts.messages;
                columns[3][i] = counts.inputTokens;
                columns[4][i] = counts.outputTokens;
                columns[5][i] = counts.toolCalls;
                columns[6][i] = counts.toolMillis;
                i++;
            }
            var owners = new String[eventCount];
            var sessions = new UUID[eventCount];
            var prompts = new UUID[eventCount];
            var types = new String[eventCount];
            var data = new String[eventCount];
            var times = new String[eventCount];
            var ordinal = new HashMap<UUID, Long>();
            int e = 0;
            for (var unit : ordered) {
                if (!applied.get(unit)) {
                    continue;
                }
                for (var event : unit.events) {
                    owners[e] = unit.owner;
                    sessions[e] = unit.sessionId;
                    ordinals[e] = ordinal.merge(unit.sessionId, 1L, Long::sum);
                    prompts[e] = event.promptId();
                    types[e] = event.type();
                    data[e] = event.data();
                    times[e] = event.at().toString();
                    e++;
                }
            }
            var parts = new ArrayList<PipelinedSql.Part>(prelude.size());
            prelude.forEach(part -> parts.add(part.getKey()));
            try (var number = c.prepareStatement(PipelinedSql.pipeline(parts, NUMBER_AND_INSERT_AND_COMMIT))) {
                int at = 0;
                for (var part : prelude) {
                    part.getValue().bind(number, at);
                    at += part.getKey().parameters();
                }
                number.setArray(at + 1, c.createArrayOf("uuid", ids));
                for (int column = 0; column < 7; column++) {
                    number.setArray(at + column + 2, c.createArrayOf("bigint", columns[column]));
                }
                number.setArray(at + 9, c.createArrayOf("varchar", owners));
                number.setArray(at + 10, c.createArrayOf("uuid", sessions));
                number.setArray(at + 11, c.createArrayOf("bigint", ordinals));
                number.setArray(at + 12, c.createArrayOf("uuid", prompts));
                number.setArray(at + 13, c.createArrayOf("varchar", types));
                number.setArray(at + 14, c.createArrayOf("text", data));
                number.setArray(at + 15, c.createArrayOf("text", times));
                bindMessages(c, number, at + 16, ordered, applied, messageCount);
                counters.bind(number, at + 25, charged);
                number.execute();
                for (int skipped = 0; skipped < prelude.size(); skipped++) {
                    number.getMoreResults();
                }
                try (var rows = number.getResultSet()) {
                    while (rows.next()) {
                        if (rows.getInt(1) == 0) {
                            sessionBase.put(UUID.fromString(rows.getString(2)), rows.getLong(3));
                        } else {
                            userBase.put(rows.getString(2), rows.getLong(3));
                        }
                    }
                }
            }
        }
        var results = new LinkedHashMap<Unit, Result>();
        // a user's events of sessions that are gone take no number: counted here as row_number() does there
        var userSeq = new HashMap<String, Long>();
        int e = 0;
        for (var unit : ordered) {
            if (!applied.get(unit)) {
                results.put(unit, new Result(false, List.of()));
                continue;
            }
            var stored = new ArrayList<StoredEvent>(unit.events.size());
            Long base = sessionBase.get(unit.sessionId);
            for (var event : unit.events) {
                long ordinal = ordinals[e++];
                if (base != null) {
                    long s = base + ordinal;
                    long u = userBase.get(unit.owner) + userSeq.merge(unit.owner, 1L, Long::sum);
                    stored.add(new StoredEvent(unit.owner, unit.sessionId, s, u, event.promptId(), event.type(),
                            event.data(), event.at()));
                }
            }
            results.put(unit, new Result(true, stored));
        }
        return results;
    }

    /** The applied units' messages in their order, as nine arrays from {@code first} on. */
    private static void bindMessages(Connection c, PreparedStatement statement, int first, List<Unit> ordered,
                                     Map<Unit, Boolean> applied, int count) throws SQLException {
        var sessions = new UUID[count];
        var prompts = new UUID[count];
        var roles = new String[count];
        var contents = new String[count];
        var partial = new Boolean[count];
        var times = new String[count];
        var toolCalls = new String[count];
        var toolCallIds = new String[count];
        var errors = new Boolean[count];
        int m = 0;
        for (var unit : ordered) {
            if (!applied.get(unit)) {
                continue;
            }
            for (var message : unit.messages) {
                sessions[m] = unit.sessionId;
                prompts[m] = message.promptId();
                roles[m] = message.role();
                contents[m] = message.content();
                partial[m] = message.partial();
                times[m] = message.at().toString();
                toolCalls[m] = message.toolCalls();
                toolCallIds[m] = message.toolCallId();
                errors[m] = message.isError();
                m++;
            }
        }
        statement.setArray(first, c.createArrayOf("uuid", sessions));
        statement.setArray(first + 1, c.createArrayOf("uuid", prompts));
        statement.setArray(first + 2, c.createArrayOf("varchar", roles));
        statement.setArray(first + 3, c.createArrayOf("text", contents));
        statement.setArray(first + 4, c.createArrayOf("boolean", partial));
        statement.setArray(first + 5, c.createArrayOf("text", times));
        statement.setArray(first + 6, c.createArrayOf("text", toolCalls));
        statement.setArray(first + 7, c.createArrayOf("varchar", toolCallIds));
        statement.setArray(first + 8, c.createArrayOf("boolean", errors));
    }

    /**
     * The batch's counters, events and messages in one statement. Parameters: the sessions (id,
     * then their events, prompts, messages, input and output tokens, tool calls, tool milliseconds
     * added), then the events in numbering order (owner, session, ordinal within its session,
     * prompt, type, data, time), then the messages in order ({@link #bindMessages}), then the
     * charges ({@link UsageCounters#bind}). Answers (0, session id, number before
     * its first event) per session and (1, owner, number before its first event) per user.
     */
    private static final String NUMBER_AND_INSERT = """
            WITH s AS (
                UPDATE agent_session s SET next_event_seq = s.next_event_seq + v.events,
                prompt_count = s.prompt_count + v.prompts, message_count = s.message_count + v.messages,
                input_tokens = s.input_tokens + v.input_tokens, output_tokens = s.output_tokens + v.output_tokens,
                tool_calls = s.tool_calls + v.tool_calls, tool_millis = s.tool_millis + v.tool_millis, updated_at = now()
                FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                     AS v(id, events, prompts, messages, input_tokens, output_tokens, tool_calls, tool_millis)
                WHERE s.id = v.id RETURNING s.id, s.next_event_seq - v.events AS base
            ), e AS (
                SELECT x.ord, x.owner, x.session_id, s.base + x.ordinal AS seq, x.prompt_id, x.type, x.data,
                       x.created_at, row_number() OVER (PARTITION BY x.owner ORDER BY x.ord) AS nth
                FROM unnest(?::varchar[], ?::uuid[], ?::bigint[], ?::uuid[], ?::varchar[], ?::text[], ?::timestamptz[])
                     WITH ORDINALITY AS x(owner, session_id, ordinal, prompt_id, type, data, created_at, ord)
                JOIN s ON s.id = x.session_id
            ), n AS (
                SELECT owner, count(*) AS events FROM e GROUP BY owner
            ), a AS (
                INSERT INTO account AS t (owner, next_event_seq) SELECT owner, events FROM n ORDER BY owner
                ON CONFLICT (owner) DO UPDATE SET next_event_seq = t.next_event_seq + EXCLUDED.next_event_seq
                RETURNING t.owner, t.next_event_seq
            ), i AS (
                INSERT INTO event (owner, session_id, seq, user_seq, prompt_id, type, data, created_at)
                SELECT e.owner, e.session_id, e.seq, a.next_event_seq - n.events + e.nth, e.prompt_id, e.type, e.data,
                       e.created_at
                FROM e JOIN a ON a.owner = e.owner JOIN n ON n.owner = e.owner ORDER BY e.ord
            ), m AS (
                INSERT INTO message (session_id, prompt_id, role, content, partial, created_at, tool_calls,
                tool_call_id, is_error)
                SELECT x.session_id, x.prompt_id, x.role, x.content, x.partial, x.created_at, x.tool_calls,
                       x.tool_call_id, x.is_error
                FROM unnest(?::uuid[], ?::uuid[], ?::varchar[], ?::text[], ?::boolean[], ?::timestamptz[], ?::text[],
                            ?::varchar[], ?::boolean[])
                     WITH ORDINALITY AS x(session_id, prompt_id, role, content, partial, created_at, tool_calls,
                                          tool_call_id, is_error, ord)
                ORDER BY x.ord
            ), b AS (
            """ + UsageCounters.upsertAfter("a") + """
            )
            SELECT 0, s.id::text, s.base FROM s
            UNION ALL
            SELECT 1, a.owner, a.next_event_seq - n.events FROM a JOIN n ON n.owner = a.owner""";
    /**
     * The numbering statement is the batch's last, so its COMMIT goes with it: one round trip
     * fewer per batch. An error in it makes the server skip the COMMIT, and the writer rolls back.
     */
    private static final String NUMBER_AND_INSERT_AND_COMMIT = NUMBER_AND_INSERT + ";\nCOMMIT";

    private Connection connection() throws SQLException {
        if (connection != null) {
            return connection;
        }
        var c = dataSource.getConnection();
        try (var settings = c.createStatement()) {
            // Every statement of the writer finds its rows by key. Their generic plans, cached for
            // the connection's life, were made while the tables were small, and on a young
            // database the batch statement kept scanning all of agent_session until an autoanalyze
            // happened to replan it: 2 ms a batch after 5 000 sessions, about three times a job's
            // whole PostgreSQL time (see docs/platform-notes.md, session 22).
            settings.execute("SET enable_seqscan = off");
        }
        c.setAutoCommit(false);
        connection = c;
        return c;
    }

    private void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "group commit: rollback failed; the connection is replaced", e);
        }
        try {
            if (!c.isValid(2)) {
                closeConnection();
            }
        } catch (SQLException e) {
            closeConnection();
        }
    }

    private void closeConnection() {
        var c = connection;
        connection = null;
        if (c != null) {
            try {
                c.rollback();
                c.setAutoCommit(true);
                try (var settings = c.createStatement()) {
                    settings.execute("RESET enable_seqscan"); // the pool's other users plan as usual
                }
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // the pool discards it
            }
        }
    }
}
