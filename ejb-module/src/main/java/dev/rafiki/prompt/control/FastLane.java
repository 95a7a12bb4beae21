package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.control.AgentLoop.Outcome;
import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.platform.text.StorableText;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.Transcript;
import dev.rafiki.budget.control.UsageCounters;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.platform.config.NodeIdentity;
import dev.rafiki.platform.db.DbTime;
import dev.rafiki.platform.db.SchemaMigrator;
import dev.rafiki.platform.db.SqlStates;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.tool.control.ToolRuntime;
import dev.rafiki.platform.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The fast lane: a prompt for a session that is idle runs at once, in memory, on this node, and
 * everything it writes (the prompt, its messages, its events, the session's counters) goes to
 * PostgreSQL through {@link GroupCommit}, together with the writes of other prompts. A short
 * prompt is accepted, run and recorded in one commit.
 * <p>
 * Safety comes from the database, as on the durable queue's path: the unit that accepts the
 * prompt is fenced on the session as this node last saw it idle (its {@code next_seq} and
 * {@code message_count}, and no live claim). If anything changed meanwhile (a prompt accepted
 * elsewhere, a claim, a deletion), the fence refuses, the speculative run is thrown away before
 * it did anything outside this process (tools wait for the accepting commit), and the prompt
 * takes the durable queue's path instead. A run that outlives its accepting commit holds the
 * session's claim like any worker, and its later writes are fenced by that claim. Nothing
 * reaches a client or a subscriber before the commit that makes it true.
 * <p>
 * Work that is not for this lane (a session already busy, a job, a session another worker
 * holds, a prompt whose agent profile or request makes some tool calls wait for approval) is refused with an
 * empty answer, and the caller takes the durable queue's path.
 */
@ApplicationScoped
public class FastLane {

    @Inject
    Tracing tracing;

    private static final Logger LOG = Logger.getLogger(FastLane.class.getName());

    @Inject
    GroupCommit commits;

    @Inject
    ModelCatalog models;

    @Inject
    ToolRuntime tools;

    @Inject
    PromptMetrics metrics;

    @Inject
    NodeIdentity node;

    @Inject
    CancellationSignals signals;

    @Inject
    PromptWaiters waiters;

    @Inject
    PromptLedger ledger;

    @Inject
    AgentRuns runs;

    @Inject
    dev.rafiki.profile.control.ProfileCache profiles;

    @Inject
    PromptDispatcher dispatcher;

    @Inject
    SessionWorker durable;

    @Inject
    RetryableRunTools jobs;

    @Resource(lookup = SchemaMigrator.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Resource
    jakarta.enterprise.concurrent.ManagedExecutorService executor;

    @Inject
    PromptSettings settings;

    /** The session is as this node last saw it idle: no prompt since, no message since, no live claim. */
    private static final String FENCE = """
            UPDATE agent_session SET next_seq = next_seq + 1, worker = ?,
            claim_expires_at = CASE WHEN ? THEN NULL ELSE now() + make_interval(secs => ?) END
            WHERE id = ? AND owner = ? AND next_seq = ? AND message_count = ?
            AND (worker IS NULL OR claim_expires_at < now())""";
    private static final String INSERT_SESSION = """
            INSERT INTO agent_session (id, owner, model, next_seq, worker, claim_expires_at, created_at, updated_at,
            agent_id, agent_version)
            VALUES (?, ?, ?, 1, ?, CASE WHEN ? THEN NULL ELSE now() + make_interval(secs => ?) END, ?, ?, ?, ?)""";
    private static final String PROMPT_COLUMNS = """
            prompt (id, session_id, seq, owner, content, status, answer, error_code, error_message,
            idempotency_key, request_hash, attempts, input_tokens, output_tokens, created_at, started_at,
            finished_at, model, tool_calls, tool_millis, steps, max_attempts, agent_id, agent_version, output_schema,
            structured, metadata)""";
    /** Parameters of {@link #FENCE}, taken before those of the prompt row. */
    private static final int FENCE_PARAMETERS = 7;
    /** Parameters of {@link #INSERT_SESSION}, taken before those of the prompt row. */
    private static final int SESSION_PARAMETERS = 10;
    /** Parameters of the prompt row, taken before those of a job's row. */
    private static final int PROMPT_PARAMETERS = 26;
    /**
     * The prompt row, once per row of the CTE named after it. The casts are needed because a
     * SELECT's parameters are not typed by the columns they go to.
     */
    private static final String PROMPT_ROW = "INSERT INTO " + PROMPT_COLUMNS + """
             SELECT ?::uuid, ?::uuid, ?::bigint, ?::varchar, ?::text, ?::varchar, ?::text, ?::varchar, ?::text,
            ?::varchar, ?::varchar, 1, ?::bigint, ?::bigint, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::varchar,
            ?::integer, ?::bigint, ?::integer, ?::integer, ?::uuid, ?::integer, ?::text, ?::boolean, ?::text FROM\s""";
    private static final String JOB_ROW = """
            INSERT INTO job (id, owner, session_id, metadata, idempotency_key, request_hash, created_at)
            SELECT ?::uuid, ?::varchar, ?::uuid, ?::text, ?::varchar, ?::varchar, ?::timestamptz FROM accepted""";
    /**
     * The fence and the prompt row in one round trip: the row is inserted only if the fence took,
     * so the statement changes one row or none (a refusal that wrote nothing).
     */
    private static final String FENCED_PROMPT = "WITH fence AS (" + FENCE + " RETURNING id) " + PROMPT_ROW + "fence";
    /** The same with the job's row, inserted only with the prompt's: still one row or none. */
    private static final String FENCED_JOB = "WITH fence AS (" + FENCE + " RETURNING id), accepted AS ("
            + PROMPT_ROW + "fence RETURNING id) " + JOB_ROW;
    /** A new session with its first prompt (and job) in one round trip instead of one per table. */
    private static final String NEW_SESSION_PROMPT = "WITH fresh AS (" + INSERT_SESSION + " RETURNING id) "
            + PROMPT_ROW + "fresh";
    private static final String NEW_SESSION_JOB = "WITH fresh AS (" + INSERT_SESSION + " RETURNING id), accepted AS ("
            + PROMPT_ROW + "fresh RETURNING id) " + JOB_ROW;
    /** Gives the claim up; answers whether other prompts became runnable meanwhile (the durable path's). */
    private static final String RELEASE = """
            UPDATE agent_session SET worker = NULL, claim_expires_at = NULL WHERE id = ? AND worker = ?
            RETURNING EXISTS (SELECT 1 FROM prompt WHERE session_id = ? AND status IN\s""" + PromptStatus.RUNNABLE_SQL + """
             AND id <> ?)""";
    /** The prompt's end, only if nobody ended it meanwhile (a stop, a cancel). */
    private static final String END = """
            UPDATE prompt SET status = ?, answer = ?, error_code = ?, error_message = ?, input_tokens = ?,
            output_tokens = ?, tool_calls = ?, tool_millis = ?, steps = ?, finished_at = ?, structured = ?
            WHERE id = ? AND status = 'running'""";

    private ThreadPoolExecutor runners;
    /**
     * Timers and hand-offs of the lane. Plain JDK executors on container-managed threads: the
     * container's managed executors capture the caller's context at every submission, which
     * scans the class path (a tenth of a prompt's CPU when used per prompt).
     */
    private java.util.concurrent.ScheduledThreadPoolExecutor clock;
    private final ConcurrentHashMap<UUID, Live> sessions = new ConcurrentHashMap<>();
    private final AtomicBoolean evicting = new AtomicBoolean();

    /** What this node knows of a session it ran last, valid while the database agrees (the fence checks). */
    static final class Live {
        boolean busy;
        /** Out of the map: a prompt that found it before it went looks it up again. */
        boolean evicted;
        /** {@code System.nanoTime()} when it last went idle: the least recently used go first when the map is full. */
        long lastUsed;
        boolean known;
        String owner;
        String model;
        long nextSeq;
        long messageCount;
        Transcript history = Transcript.of(List.of());
        long historyChars;
        /** The session's pinned profile version: read with the rest, so a prompt needs no lookup of its own. */
        UUID agentId;
        Integer agentVersion;
    }

    /** A longer conversation is read from the database for each prompt instead of being kept in memory. */
    static final long MAX_CACHED_HISTORY_CHARS = 1_000_000;

    /**
     * What a client waits for: the prompt once accepted (committed), and once ended. {@code durable}
     * is set before {@code accepted} completes when the durable queue's path accepted the prompt
     * (or replayed an earlier one): the lane did not write it, so only a read shows what was.
     */
    public record Handle(CompletableFuture<PromptSnapshot> accepted, CompletableFuture<PromptSnapshot> finished,
                         AtomicBoolean durable) {
        public static Handle of() {
            return new Handle(new CompletableFuture<>(), new CompletableFuture<>(), new AtomicBoolean());
        }

        /** Accepted by this lane as it wrote it: its snapshot is what the database holds. */
        public boolean writtenHere() {
            return !durable.get();
        }
    }

    /**
     * A prompt asking for the lane; {@code sessionId} null for a new session, {@code job} null for a plain prompt,
     * {@code agent} null when the prompt runs with its session's profile (if any). {@code model} is the one
     * asked for (by the request or the named profile), null for the session's; {@code outputSchema} the
     * request's own schema for the answer (JSON text), null for the profile's or none; {@code metadata} the
     * client's (JSON text), kept on the prompt; {@code approval} the request's own approval rules (JSON text), or
     * null.
     */
    public record Request(String owner, UUID sessionId, String content, String model, String idempotencyKey,
                          String requestHash, JobPart job, dev.rafiki.profile.control.AgentPin agent,
                          String outputSchema, String metadata, String approval) {
    }

    /** What a job (without a webhook) adds to its prompt: the job row, its events, its tools and a retry budget. */
    public record JobPart(String metadata, String idempotencyKey, String requestHash, int maxAttempts) {
    }

    @PostConstruct
    void start() {
        runners = new ThreadPoolExecutor(0, Math.max(1, settings.fastLaneThreads), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    var thread = threads.newThread(runnable);
                    thread.setName("rafiki-prompt");
                    return thread;
                });
        clock = new java.util.concurrent.ScheduledThreadPoolExecutor(2, runnable -> {
            var thread = threads.newThread(runnable);
            thread.setName("rafiki-lane-clock");
            thread.setDaemon(true);
            return thread;
        });
        clock.setRemoveOnCancelPolicy(true);
    }

    @PreDestroy
    void stop() {
        if (runners != null) {
            runners.shutdownNow();
        }
        if (clock != null) {
            clock.shutdownNow();
        }
    }

    /**
     * Runs the prompt in the fast lane if it can.
     *
     * @param slowPath takes the prompt the durable queue's way; called if the lane finds out
     *                 too late that it cannot take it
     * @return empty when the prompt is not for the lane: the caller takes the durable queue's path
     */
    public Optional<Handle> submit(Request request, Supplier<PromptSnapshot> slowPath) {
        if (!settings.fastLane) {
            return Optional.empty();
        }
        // An Idempotency-Key is not looked up first (a query per request for the rare retry): a retry's
        // accepting commit breaks the key's unique index, its run stops, and the durable path replays.
        boolean newSession = request.sessionId() == null;
        UUID sessionId = newSession ? UUID.randomUUID() : request.sessionId();
        Live state;
        if (newSession) {
            state = new Live();
            state.busy = true;
            state.known = true;
            state.owner = request.owner();
            var agent = request.agent();
            // a session a prompt creates keeps the prompt's profile for the prompts that follow
            state.model = agent != null && agent.model() != null ? agent.model()
                    : dev.rafiki.session.boundary.Sessions.DEFAULT_MODEL;
            state.agentId = agent == null ? null : agent.id();
            state.agentVersion = agent == null ? null : agent.version();
            sessions.put(sessionId, state);
        } else {
            while (true) {
                state = sessions.computeIfAbsent(sessionId, id -> new Live());
                synchronized (state) {
                    if (state.busy) {
                        return Optional.empty();
                    }
                    if (!state.evicted) {
                        state.busy = true;
                        break;
                    }
                }
                // evicted between the lookup and the lock: the next lookup makes a new one
            }
            try {
                if (!state.known && !load(state, sessionId)) {
                    idle(sessionId, state);
                    return Optional.empty();
                }
            } catch (SQLException e) {
                idle(sessionId, state);
                throw new IllegalStateException("could not read session " + sessionId, e);
            }
            if (!state.owner.equals(request.owner())) {
                idle(sessionId, state);
                return Optional.empty(); // the durable path answers exactly like a missing session
            }
        }
        var agentId = request.agent() != null ? request.agent().id() : state.agentId;
        var agentVersion = request.agent() != null ? Integer.valueOf(request.agent().version()) : state.agentVersion;
        if (AgentRuns.approvals(profiles.spec(agentId, agentVersion), request.approval()).any()) {
            // a run that may pause for a person must be able to park its session's claim: the durable queue's way
            idle(sessionId, state);
            if (newSession) {
                sessions.remove(sessionId, state);
            }
            return Optional.empty();
        }
        var modelName = request.model() != null ? request.model() : state.model;
        var model = models.resolve(modelName);
        if (model == null) {
            idle(sessionId, state);
            if (newSession) {
                sessions.remove(sessionId, state);
            }
            return Optional.empty();
        }
        var run = new Run(request, sessionId, newSession, state, model, modelName, slowPath);
        try {
            runners.execute(run::run);
        } catch (RejectedExecutionException e) {
            idle(sessionId, state);
            if (newSession) {
                sessions.remove(sessionId, state);
            }
            return Optional.empty();
        }
        return Optional.of(run.handle);
    }

    /**
     * A prompt accepted on the durable queue's path: its handle completes once the prompt ended
     * or waits for a person's decision, wherever it ran (the waiters hear ends on this node and announcements from others).
     */
    public Handle follow(PromptSnapshot accepted) {
        var handle = Handle.of();
        handle.durable().set(true);
        handle.accepted().complete(accepted);
        if (accepted.terminal()) {
            handle.finished().complete(accepted);
        } else {
            follow(accepted.id(), handle);
        }
        return handle;
    }

    private void follow(UUID promptId, Handle handle) {
        var done = waiters.await(promptId);
        var now = ledger.snapshot(promptId);
        if (now == null || now.terminal() || now.waiting()) {
            waiters.forget(promptId, done);
            handle.finished().complete(now);
            return;
        }
        done.thenRunAsync(() -> {
            try {
                handle.finished().complete(ledger.snapshot(promptId));
            } catch (RuntimeException e) {
                handle.finished().completeExceptionally(e);
            }
        }, executor);
    }

    private void idle(UUID sessionId, Live state) {
        synchronized (state) {
            state.busy = false;
            state.lastUsed = System.nanoTime();
        }
        if (sessions.size() > settings.fastLaneSessions) {
            evictLeastRecentlyUsed();
        }
    }

    /**
     * Drops the idle sessions used least recently until a tenth of the cap is free again. Not the
     * session just used: a node that served many one-off sessions (a job makes one each) would
     * otherwise forget its busiest sessions at every prompt, and read each one's whole history
     * again for the next. One thread sweeps at a time; the others go on.
     */
    private void evictLeastRecentlyUsed() {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            int cap = Math.max(0, settings.fastLaneSessions);
            int excess = sessions.size() - cap + Math.max(1, cap / 10);
            if (excess <= 0) {
                return;
            }
            record Idle(UUID id, Live state, long lastUsed) {
            }
            var idle = new ArrayList<Idle>(sessions.size());
            for (var entry : sessions.entrySet()) {
                var state = entry.getValue();
                synchronized (state) {
                    if (!state.busy) {
                        idle.add(new Idle(entry.getKey(), state, state.lastUsed));
                    }
                }
            }
            idle.sort(Comparator.comparingLong(Idle::lastUsed));
            for (var oldest : idle.subList(0, Math.min(excess, idle.size()))) {
                synchronized (oldest.state()) {
                    // still idle and not used since it was listed
                    if (!oldest.state().busy && oldest.state().lastUsed == oldest.lastUsed()) {
                        oldest.state().evicted = true;
                        sessions.remove(oldest.id(), oldest.state());
                    }
                }
            }
        } finally {
            evicting.set(false);
        }
    }

    /**
     * Runnable prompts, not active ones: a prompt waiting for a person holds its session by its
     * parked claim (which never expires), checked by the same row; so the statement keeps to the
     * partial index on runnable prompts.
     */
    private static final String LOAD = """
            SELECT s.owner, s.model, s.next_seq, s.message_count,
            (s.worker IS NULL OR s.claim_expires_at < now()),
            EXISTS (SELECT 1 FROM prompt p WHERE p.session_id = s.id AND p.status IN\s""" + PromptStatus.RUNNABLE_SQL + """
            ),
            s.agent_id, s.agent_version
            FROM agent_session s WHERE s.id = ?""";

    /**
     * Reads what the lane needs of a session this node has not seen idle: usable only if no prompt
     * is pending and no worker holds it.
     */
    private boolean load(Live state, UUID sessionId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (var select = c.prepareStatement(LOAD)) {
                select.setObject(1, sessionId);
                try (var row = select.executeQuery()) {
                    if (!row.next() || !row.getBoolean(5) || row.getBoolean(6)) {
                        return false;
                    }
                    state.owner = row.getString(1);
                    state.model = row.getString(2);
                    state.nextSeq = row.getLong(3);
                    state.messageCount = row.getLong(4);
                    state.agentId = row.getObject(7, UUID.class);
                    state.agentVersion = (Integer) row.getObject(8);
                }
            }
        }
        metrics.sessionLoaded();
        var history = Transcript.of(ledger.conversation(sessionId, Long.MAX_VALUE));
        state.history = history;
        state.historyChars = history.stream().mapToLong(m -> chars(m.content())).sum();
        state.known = true; // for this prompt; one past the cap is dropped again once it ends
        return true;
    }

    /** The prompt row as the lane writes it; fixed once the unit that inserts it is sealed. */
    private static final class Row {
        UUID id;
        UUID sessionId;
        long seq;
        String owner;
        String content;
        String model;
        String status = "running";
        String answer;
        String errorCode;
        String errorMessage;
        String idempotencyKey;
        String requestHash;
        int steps;
        long inputTokens;
        long outputTokens;
        int toolCalls;
        long toolMillis;
        Instant createdAt;
        Instant startedAt;
        Instant finishedAt;
        Integer maxAttempts;
        UUID agentId;
        Integer agentVersion;
        String outputSchema;
        boolean structured;
        String metadata;
        /** The run ended before the accepting commit: the claim is not taken at all. */
        boolean ended;

        PromptSnapshot snapshot(long cursorBefore, List<StoredEvent> events) {
            return new PromptSnapshot(id, sessionId, seq, status, content, model, answer, errorCode, errorMessage, 1,
                    steps, inputTokens, outputTokens, toolCalls, toolMillis, createdAt, startedAt, finishedAt,
                    cursorBefore, false, events, agentId, agentVersion, structured, metadata);
        }
    }

    /** One prompt's trip through the lane. */
    private final class Run {
        final Handle handle = Handle.of();
        final Request request;
        final UUID sessionId;
        final boolean newSession;
        final Live state;
        final ModelCatalog.Resolved model;
        final Supplier<PromptSnapshot> slowPath;
        final Row row = new Row();
        final String worker = node.claimPrefix() + UUID.randomUUID();
        final String modelName;
        final long expectedSeq;
        final long expectedMessages;
        final GroupCommit.Unit accepting;
        final AtomicBoolean aborted = new AtomicBoolean();
        final PromptEventListener listener;
        final ClaimedEvents events;
        /** The request's span: the run is traced under it, on the runner's thread. */
        final Context trace = tracing.current();
        /** The session's history the run started from, and that history with the prompt: what {@link #remember} extends. */
        private Transcript startedFrom;
        private Transcript withPrompt;

        Run(Request request, UUID sessionId, boolean newSession, Live state, ModelCatalog.Resolved model,
            String modelName, Supplier<PromptSnapshot> slowPath) {
            this.request = request;
            this.sessionId = sessionId;
            this.newSession = newSession;
            this.state = state;
            this.model = model;
            this.slowPath = slowPath;
            this.modelName = modelName;
            this.expectedSeq = state.nextSeq;
            this.expectedMessages = state.messageCount;
            row.id = UUID.randomUUID();
            row.sessionId = sessionId;
            row.seq = state.nextSeq + 1;
            row.owner = request.owner();
            row.content = request.content();
            row.model = request.model();
            row.outputSchema = request.outputSchema();
            row.metadata = request.metadata();
            // the profile the request named, else the session's pin (this run owns the state while busy)
            row.agentId = request.agent() != null ? request.agent().id() : state.agentId;
            row.agentVersion = request.agent() != null ? Integer.valueOf(request.agent().version()) : state.agentVersion;
            row.idempotencyKey = request.idempotencyKey();
            row.requestHash = request.idempotencyKey() == null ? null : request.requestHash();
            row.createdAt = DbTime.now();
            row.startedAt = row.createdAt;
            accepting = commits.open(sessionId, request.owner());
            boolean job = request.job() != null;
            if (job) {
                row.maxAttempts = request.job().maxAttempts();
            }
            if (newSession) {
                accepting.write(job ? NEW_SESSION_JOB : NEW_SESSION_PROMPT, (statement, at) -> {
                    bindSession(statement, at);
                    bindPrompt(statement, at + SESSION_PARAMETERS);
                    if (job) {
                        bindJob(statement, at + SESSION_PARAMETERS + PROMPT_PARAMETERS);
                    }
                });
            } else {
                accepting.guard(job ? FENCED_JOB : FENCED_PROMPT, (statement, at) -> {
                    bindFence(statement, at);
                    bindPrompt(statement, at + FENCE_PARAMETERS);
                    if (job) {
                        bindJob(statement, at + FENCE_PARAMETERS + PROMPT_PARAMETERS);
                    }
                });
            }
            insertMessages(accepting, List.of(ChatMessage.user(row.content)), false);
            accepting.count(1, 1, 0, 0, 0, 0);
            accepting.event(new SessionEvent.PromptQueued(row.id, row.seq, row.content));
            if (request.job() != null) {
                accepting.event(new SessionEvent.JobQueued(row.id));
            }
            accepting.event(new SessionEvent.PromptStarted(row.id, 1, modelName));
            if (request.job() != null) {
                accepting.event(new SessionEvent.JobStarted(row.id, 1));
            }
            events = new ClaimedEvents(commits, sessionId, request.owner(), worker, accepting);
            listener = new PromptEventListener(events, row.id);
        }

        void run() {
            var span = tracing.start("rafiki.prompt.run", SpanKind.INTERNAL, trace, sessionId, row.id);
            span.setAttribute("rafiki.path", "fast-lane");
            try (var ignored = span.makeCurrent()) {
                execute();
                Tracing.failed(span, row.errorCode);
            } finally {
                span.end();
            }
        }

        private void execute() {
            var cancelled = signals.register(row.id);
            ScheduledFuture<?> early = null;
            ScheduledFuture<?> heartbeat = null;
            Outcome outcome;
            boolean structured = false;
            // a run whose prompt was refused (a retry's key already taken, the fence) stops at once:
            // nothing outside this process happened yet, and its model call is not paid for in full
            accepting.done().whenComplete((result, failure) -> {
                if (failure != null || !result.applied()) {
                    aborted.set(true);
                }
            });
            // a run still going when its prompt is accepted tells its client at once, not at its end
            accepting.done().thenAcceptAsync(result -> {
                if (result.applied() && !row.ended) {
                    long cursor = result.events().isEmpty() ? -1 : result.events().get(0).seq() - 1;
                    handle.accepted().complete(acceptedSnapshot(cursor, result.events()));
                }
            }, clock);
            try {
                // a long run is accepted on its own, so its stream and its claim start without waiting for its end
                early = clock.schedule(() -> commits.submit(accepting), settings.fastLaneHoldMillis, TimeUnit.MILLISECONDS);
                long beat = Math.max(1, runs.lease().toSeconds() / 3);
                heartbeat = clock.scheduleAtFixedRate(this::beat, beat, beat, TimeUnit.SECONDS);
                startedFrom = state.history;
                var history = startedFrom.plus(ChatMessage.user(row.content));
                withPrompt = history;
                var profile = profiles.spec(row.agentId, row.agentVersion);
                var mcpServers = tools.mcpServers(row.agentId, profile.mcpServers());
                var workspace = tools.forSession(sessionId, mcpServers);
                AgentLoop.Tools runTools = workspace::call;
                var specs = tools.specs(mcpServers);
                if (request.job() != null) {
                    runTools = jobs.tools(runTools, running(history), worker);
                    specs = jobs.specs(specs);
                }
                var inner = runTools;
                // a tool acts outside this process: only once the prompt is accepted, the claim ours and the events logged
                AgentLoop.Tools gated = new AgentLoop.Tools() {
                    @Override
                    public ToolResult call(String name, String arguments, java.util.function.BooleanSupplier stop) {
                        return durable() ? inner.call(name, arguments, stop) : notAccepted();
                    }

                    @Override
                    public ToolResult call(dev.rafiki.agent.model.ToolCall call, java.util.function.BooleanSupplier stop) {
                        return durable() ? inner.call(call, stop) : notAccepted();
                    }
                };
                try {
                    // a request's approval rules that could make a call wait kept the prompt out of this lane
                    var loop = runs.loop(model, specs, gated, profile,
                            row.owner, row.agentId, row.outputSchema, null);
                    outcome = loop.run(history, listener, () -> cancelled.get() || aborted.get());
                    structured = loop.structured();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a prompt failed in the agent runtime", e);
                    var refused = SqlStates.dataRefusal(e);
                    // what the run produced so far could not be stored: it fails, and is not run (nor its tools) again
                    outcome = refused != null
                            ? new Outcome("", List.of(), PromptLedger.RECORD_FAILED, PromptLedger.recordFailed(refused),
                                    0, 0, 0, 0, 0)
                            : new Outcome("", List.of(), "agent-error",
                                    StorableText.of("the agent runtime failed: " + e.getMessage()), 0, 0, 0, 0, 0);
                }
                listener.flush();
            } finally {
                if (early != null) {
                    early.cancel(false);
                }
                if (heartbeat != null) {
                    heartbeat.cancel(false);
                }
                signals.unregister(row.id);
            }
            metrics.tokens(model.name(), outcome.inputTokens(), outcome.outputTokens());
            try {
                finish(outcome, structured);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the fast lane could not finish prompt " + row.id, e);
                fail(e);
            }
        }

        private void beat() {
            try {
                if (accepting.sealed() && accepting.done().isDone() && !row.ended) {
                    ledger.extend(sessionId, worker, runs.lease());
                    if (!ledger.isRunning(row.id)) {
                        signals.finishedElsewhere(row.id); // ended on a node whose announcement did not reach us
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "heartbeat of prompt " + row.id + " failed; next beat retries", e);
            }
        }

        private boolean durable() {
            return acceptedDurably() && events.awaitDurable();
        }

        private ToolResult notAccepted() {
            aborted.set(true);
            return ToolResult.failed("not run: the prompt was not accepted");
        }

        private PromptLedger.RunningPrompt running(List<ChatMessage> history) {
            return new PromptLedger.RunningPrompt(row.id, sessionId, row.owner, row.seq, row.content, 1,
                    request.job() != null, modelName, history, tracing.traceparent(), row.agentId, row.agentVersion);
        }

        private boolean acceptedDurably() {
            try {
                return commits.commit(accepting).applied();
            } catch (CompletionException e) {
                return false;
            }
        }

        private void finish(Outcome outcome, boolean structured) {
            boolean abortedRun = aborted.get();
            var status = outcome.errorCode() == null ? "completed" : outcome.cancelled() ? "cancelled" : "failed";
            // set before the row is written: the accepting insert binds it when the run ended inline
            row.structured = structured && "completed".equals(status);
            var finishedAt = DbTime.now();
            int stored = outcome.messages().size();
            boolean job = request.job() != null;
            boolean inline = !abortedRun && !"cancelled".equals(status) && (!job || "completed".equals(status))
                    && accepting.ifOpen(() -> {
                record(outcome, status, finishedAt);
                row.ended = true;
                insertMessages(accepting, outcome.messages(), !"completed".equals(status));
                accepting.count(0, stored, outcome.inputTokens(), outcome.outputTokens(), outcome.toolCalls(),
                        outcome.toolMillis());
                accepting.charge(charge(outcome));
                accepting.event(SessionEvent.PromptEnded.of(row.id, status, outcome.errorCode(), outcome.errorMessage()));
                if (job) {
                    accepting.event(jobCompleted());
                }
            });
            GroupCommit.Result accepted;
            try {
                accepted = commits.commit(accepting);
            } catch (CompletionException e) {
                if (SqlStates.uniqueViolation(e)) {
                    refused(); // a concurrent retry with the same key won: the durable path replays its answer
                } else if (SqlStates.dataRefusal(e) != null) {
                    // nothing ran outside this process (tools wait for this commit): the durable path runs the
                    // prompt and, should the database refuse its output again, fails it for good
                    refused();
                } else {
                    fail(e.getCause());
                }
                return;
            }
            if (!accepted.applied()) {
                refused();
                return;
            }
            long cursorBefore = accepted.events().isEmpty() ? -1 : accepted.events().get(0).seq() - 1;
            if (inline) {
                var snapshot = row.snapshot(cursorBefore, accepted.events());
                remember(stored, "completed".equals(status) ? outcome.messages() : null);
                ended(snapshot);
                handle.accepted().complete(snapshot);
                handle.finished().complete(snapshot);
                return;
            }
            handle.accepted().complete(acceptedSnapshot(cursorBefore, accepted.events()));
            // stopped by someone else: the database has the prompt's end already; only the claim is left to give back
            boolean stopped = abortedRun || "cancelled".equals(status);
            if (job && !stopped && !"completed".equals(status)) {
                // a job's failure: retried, failed, dead-lettered by the durable path's own rules, with this claim
                forget();
                try {
                    events.awaitDurable();
                    durable.failedInLane(running(List.of()), worker, outcome.errorCode(), outcome.errorMessage(), outcome);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "job " + row.id + " could not be handed to the durable queue; it resumes after its lease", e);
                }
                forgetAndFinishFromLog();
                return;
            }
            var closing = commits.open(sessionId, row.owner);
            var pendingAfter = new boolean[] {false};
            ClaimedEvents.holds(closing, sessionId, worker);
            if (!stopped) {
                closing.guard(END, (statement, at) -> bindEnd(statement, at, outcome, status, finishedAt));
                insertMessages(closing, outcome.messages(), !"completed".equals(status));
                closing.count(0, stored, outcome.inputTokens(), outcome.outputTokens(), outcome.toolCalls(),
                        outcome.toolMillis());
                closing.charge(charge(outcome));
                closing.event(SessionEvent.PromptEnded.of(row.id, status, outcome.errorCode(), outcome.errorMessage()));
                if (job) {
                    closing.event(jobCompleted());
                }
            }
            closing.step(c -> {
                pendingAfter[0] = releaseClaim(c);
                return true;
            });
            GroupCommit.Result closed;
            try {
                closed = commits.commit(closing);
            } catch (CompletionException e) {
                var refused = SqlStates.dataRefusal(e);
                if (refused != null) {
                    unrecordable(outcome, refused, e);
                    return;
                }
                // an outage: the prompt stays running under a claim that runs out; the sweeper resumes it
                LOG.warning(() -> "prompt " + row.id + " could not be recorded (" + e.getCause() + "); it will be resumed");
                forget();
                return;
            }
            if (!closed.applied()) {
                // the prompt was ended by someone else just now (or the claim is gone): give the claim back all the same
                closed = release(pendingAfter);
            }
            if (stopped || !closed.applied()) {
                if (pendingAfter[0]) {
                    dispatcher.wake(sessionId);
                }
                if (stopped) {
                    ledger.keepPartial(row.id, outcome.answer());
                }
                // cancelled meanwhile, or the claim was lost: someone else recorded the prompt's end
                forgetAndFinishFromLog();
                return;
            }
            synchronized (row) {
                record(outcome, status, finishedAt);
            }
            var snapshot = row.snapshot(cursorBefore, List.of());
            remember(stored, "completed".equals(status) ? outcome.messages() : null);
            if (pendingAfter[0]) {
                // prompts arrived by the durable path while this one ran: they are the queue's now
                synchronized (state) {
                    state.known = false;
                }
                dispatcher.wake(sessionId);
            }
            ended(snapshot);
            handle.finished().complete(snapshot);
        }

        /**
         * The database refused the prompt's end (what the run produced): its tools ran, so it is not
         * resumed but failed, with its costs, by the durable path's rules under this run's claim.
         */
        private void unrecordable(Outcome outcome, String sqlState, CompletionException e) {
            LOG.log(Level.WARNING, "the database refused what prompt " + row.id + " produced; the prompt fails", e.getCause());
            forget();
            try {
                durable.failedInLane(running(List.of()), worker, PromptLedger.RECORD_FAILED,
                        PromptLedger.recordFailed(sqlState), outcome.costsOnly());
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, "prompt " + row.id + " could not be failed either; it resumes after its lease", failed);
            }
            forgetAndFinishFromLog();
        }

        private UsageCounters.Charge charge(Outcome outcome) {
            return UsageCounters.Charge.now(row.owner, row.agentId, outcome.inputTokens(), outcome.outputTokens(),
                    outcome.toolCalls(), outcome.toolMillis());
        }

        /** The lane ends only a job's first attempt, and only a completed one: a failure goes to the durable path. */
        private SessionEvent jobCompleted() {
            return new SessionEvent.JobEnded(row.id, SessionEvent.Ending.COMPLETED, 1, false, null);
        }

        private GroupCommit.Result release(boolean[] pendingAfter) {
            var releasing = commits.open(sessionId, row.owner);
            ClaimedEvents.holds(releasing, sessionId, worker);
            releasing.step(c -> {
                pendingAfter[0] = releaseClaim(c);
                return true;
            });
            try {
                var released = commits.commit(releasing);
                return new GroupCommit.Result(false, released.events());
            } catch (CompletionException e) {
                LOG.warning(() -> "the claim on session " + sessionId + " could not be released (" + e.getCause()
                        + "); it runs out by itself");
                return new GroupCommit.Result(false, List.of());
            }
        }

        private void record(Outcome outcome, String status, Instant finishedAt) {
            row.status = status;
            row.answer = "completed".equals(status) ? outcome.answer() : null;
            row.errorCode = outcome.errorCode();
            row.errorMessage = outcome.errorMessage();
            row.steps = outcome.steps();
            row.inputTokens = outcome.inputTokens();
            row.outputTokens = outcome.outputTokens();
            row.toolCalls = outcome.toolCalls();
            row.toolMillis = outcome.toolMillis();
            row.finishedAt = finishedAt;
        }

        private PromptSnapshot acceptedSnapshot(long cursorBefore, List<StoredEvent> events) {
            return new PromptSnapshot(row.id, sessionId, row.seq, "running", row.content, row.model, null, null, null, 1,
                    0, 0, 0, 0, 0, row.createdAt, row.startedAt, null, cursorBefore, false, events, row.agentId,
                    row.agentVersion, false, row.metadata);
        }

        /** The session as this node knows it now includes this prompt. */
        private void remember(int storedMessages, List<ChatMessage> produced) {
            synchronized (state) {
                state.nextSeq = row.seq;
                state.messageCount = expectedMessages + 1 + storedMessages;
                if (produced != null) {
                    // extended from the run's own version when nothing replaced the history meanwhile: its
                    // room in the shared array holds the prompt already, and nothing is copied
                    var base = withPrompt != null && state.history == startedFrom ? withPrompt
                            : state.history.plus(ChatMessage.user(row.content));
                    state.history = base.plus(produced);
                    state.historyChars += chars(row.content) + produced.stream().mapToLong(m -> chars(m.content())).sum();
                    if (state.historyChars > MAX_CACHED_HISTORY_CHARS) {
                        state.known = false;
                        state.history = Transcript.of(List.of());
                    }
                }
            }
            idle(sessionId, state);
        }

        private void forget() {
            synchronized (state) {
                state.known = false;
            }
            idle(sessionId, state);
        }

        private void forgetAndFinishFromLog() {
            forget();
            var now = ledger.snapshot(row.id);
            if (now != null && now.terminal()) {
                handle.finished().complete(now);
            } else {
                follow(row.id, handle);
            }
        }

        private void ended(PromptSnapshot snapshot) {
            metrics.finished(snapshot.status(), snapshot.startedAt(), snapshot.finishedAt());
            waiters.finishedElsewhere(row.id);
        }

        /** The fence refused: the session changed since this node saw it; the durable path takes the prompt. */
        private void refused() {
            synchronized (state) {
                state.known = false;
            }
            idle(sessionId, state);
            if (newSession) {
                sessions.remove(sessionId, state);
            }
            handle.durable().set(true);
            try {
                var snapshot = slowPath.get();
                handle.accepted().complete(snapshot);
                if (snapshot.terminal()) {
                    handle.finished().complete(snapshot);
                } else {
                    follow(snapshot.id(), handle);
                }
            } catch (RuntimeException e) {
                handle.accepted().completeExceptionally(e);
                handle.finished().completeExceptionally(e);
            }
        }

        private void fail(Throwable cause) {
            forget();
            if (newSession) {
                sessions.remove(sessionId, state);
            }
            var e = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
            handle.accepted().completeExceptionally(e);
            handle.finished().completeExceptionally(e);
        }

        // ---- the statements, bound by the writer inside its batch (the row is fixed by then)

        private void bindFence(PreparedStatement update, int at) throws SQLException {
            update.setString(at + 1, row.ended ? null : worker);
            update.setBoolean(at + 2, row.ended);
            update.setDouble(at + 3, runs.lease().toSeconds());
            update.setObject(at + 4, sessionId);
            update.setString(at + 5, row.owner);
            update.setLong(at + 6, expectedSeq);
            update.setLong(at + 7, expectedMessages);
        }

        private void bindSession(PreparedStatement insert, int at) throws SQLException {
            insert.setObject(at + 1, sessionId);
            insert.setString(at + 2, row.owner);
            insert.setString(at + 3, state.model);
            insert.setString(at + 4, row.ended ? null : worker);
            insert.setBoolean(at + 5, row.ended);
            insert.setDouble(at + 6, runs.lease().toSeconds());
            insert.setTimestamp(at + 7, Timestamp.from(row.createdAt));
            insert.setTimestamp(at + 8, Timestamp.from(row.createdAt));
            insert.setObject(at + 9, state.agentId);
            insert.setObject(at + 10, state.agentVersion, java.sql.Types.INTEGER);
        }

        /** Binds the prompt row's columns after the first {@code at} parameters. */
        private void bindPrompt(PreparedStatement insert, int at) throws SQLException {
            insert.setObject(at + 1, row.id);
            insert.setObject(at + 2, sessionId);
            insert.setLong(at + 3, row.seq);
            insert.setString(at + 4, row.owner);
            insert.setString(at + 5, row.content);
            insert.setString(at + 6, row.status);
            insert.setString(at + 7, row.answer);
            insert.setString(at + 8, row.errorCode);
            insert.setString(at + 9, row.errorMessage);
            insert.setString(at + 10, row.idempotencyKey);
            insert.setString(at + 11, row.requestHash);
            insert.setLong(at + 12, row.inputTokens);
            insert.setLong(at + 13, row.outputTokens);
            insert.setTimestamp(at + 14, Timestamp.from(row.createdAt));
            insert.setTimestamp(at + 15, Timestamp.from(row.startedAt));
            insert.setTimestamp(at + 16, row.finishedAt == null ? null : Timestamp.from(row.finishedAt));
            insert.setString(at + 17, row.model);
            insert.setInt(at + 18, row.toolCalls);
            insert.setLong(at + 19, row.toolMillis);
            insert.setInt(at + 20, row.steps);
            insert.setObject(at + 21, row.maxAttempts, java.sql.Types.INTEGER);
            insert.setObject(at + 22, row.agentId);
            insert.setObject(at + 23, row.agentVersion, java.sql.Types.INTEGER);
            insert.setString(at + 24, row.outputSchema);
            insert.setBoolean(at + 25, row.structured);
            insert.setString(at + 26, row.metadata);
        }

        /** Binds the job row's columns after the first {@code at} parameters. */
        private void bindJob(PreparedStatement insert, int at) throws SQLException {
            var job = request.job();
            insert.setObject(at + 1, row.id);
            insert.setString(at + 2, row.owner);
            insert.setObject(at + 3, sessionId);
            insert.setString(at + 4, job.metadata());
            insert.setString(at + 5, job.idempotencyKey());
            insert.setString(at + 6, job.idempotencyKey() == null ? null : job.requestHash());
            insert.setTimestamp(at + 7, Timestamp.from(row.createdAt));
        }

        private void insertMessages(GroupCommit.Unit unit, List<ChatMessage> messages, boolean partial) {
            var now = DbTime.now();
            for (var message : messages) {
                var role = switch (message.role()) {
                    case USER -> "user";
                    case TOOL -> "tool";
                    default -> "assistant";
                };
                unit.message(row.id, role, message.content() == null ? "" : message.content(),
                        partial && "assistant".equals(role), now, PromptLedger.toolCallsJson(message.toolCalls()),
                        message.toolCallId(), message.isError());
            }
        }

        /** The prompt's end, only if nobody ended it meanwhile (a stop, a cancel). */
        private void bindEnd(PreparedStatement update, int at, Outcome outcome, String status, Instant finishedAt)
                throws SQLException {
            update.setString(at + 1, status);
            update.setString(at + 2, "completed".equals(status) ? outcome.answer() : null);
            update.setString(at + 3, outcome.errorCode());
            update.setString(at + 4, outcome.errorMessage());
            update.setLong(at + 5, outcome.inputTokens());
            update.setLong(at + 6, outcome.outputTokens());
            update.setInt(at + 7, outcome.toolCalls());
            update.setLong(at + 8, outcome.toolMillis());
            update.setInt(at + 9, outcome.steps());
            update.setTimestamp(at + 10, Timestamp.from(finishedAt));
            update.setBoolean(at + 11, row.structured);
            update.setObject(at + 12, row.id);
        }

        /** @return whether prompts are runnable (accepted by the durable path while this one ran) */
        private boolean releaseClaim(Connection c) throws SQLException {
            try (var update = c.prepareStatement(RELEASE)) {
                update.setObject(1, sessionId);
                update.setString(2, worker);
                update.setObject(3, sessionId);
                update.setObject(4, row.id);
                try (var rows = update.executeQuery()) {
                    return rows.next() && rows.getBoolean(1);
                }
            }
        }
    }

    private static long chars(String text) {
        return text == null ? 0 : text.length();
    }
}
