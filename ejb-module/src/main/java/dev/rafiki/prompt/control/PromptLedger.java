package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop.Outcome;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.budget.control.UsageCounters;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.ArrayList;
import dev.rafiki.prompt.entity.Message;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.platform.db.DbTime;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The worker's side of the durable session queue; every method is one short transaction.
 * <p>
 * A session is held by at most one worker at a time through the claim columns of
 * {@code agent_session} (a lease that expires if the worker dies). Every write a worker makes
 * is fenced by its claim, so a worker that lost its lease cannot overwrite its successor's work,
 * and a prompt reaches its terminal status exactly once.
 */
@Stateless
public class PromptLedger {

    /**
     * The error code of a prompt whose output the database refused to store. Such a prompt is
     * failed, never resumed or retried: its tools ran, and would run again.
     */
    public static final String RECORD_FAILED = "record-failed";

    static String recordFailed(String sqlState) {
        return "the database refused to store what the run produced (SQLSTATE " + sqlState
                + "); the prompt is not run again, so its tools do not run twice";
    }

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    UsageCounters counters;

    @Inject
    Event<PromptFinished> finished;

    @Inject
    Event<PromptStarted> started;

    @Inject
    PromptDispatcher dispatcher;

    @Inject
    dev.rafiki.event.control.EventLog events;

    @Inject
    ToolApprovals approvals;

    @Inject
    Event<PromptPaused> paused;

    public boolean claim(UUID sessionId, String worker, Duration lease) {
        return em.createNativeQuery("""
                        UPDATE agent_session SET worker = ?1, claim_expires_at = now() + make_interval(secs => ?2)
                        WHERE id = ?3 AND (worker IS NULL OR claim_expires_at < now())""")
                .setParameter(1, worker)
                .setParameter(2, (double) lease.toSeconds())
                .setParameter(3, sessionId)
                .executeUpdate() == 1;
    }

    /**
     * Marks the session's next prompt running (or resumes the one a dead worker left running)
     * and records its user message.
     */
    public Next startNext(UUID sessionId, String worker, Duration lease, int maxAttempts) {
        int held = em.createNativeQuery("""
                        UPDATE agent_session SET claim_expires_at = now() + make_interval(secs => ?1)
                        WHERE id = ?2 AND worker = ?3""")
                .setParameter(1, (double) lease.toSeconds())
                .setParameter(2, sessionId)
                .setParameter(3, worker)
                .executeUpdate();
        if (held == 0) {
            return Next.lost();
        }
        List<Prompt> pending = em.createQuery("SELECT p FROM Prompt p WHERE p.sessionId = :session AND p.status IN "
                        + PromptStatus.RUNNABLE_JPQL + " ORDER BY p.seq", Prompt.class)
                .setParameter("session", sessionId)
                .setMaxResults(1)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        if (pending.isEmpty()) {
            return Next.empty();
        }
        var prompt = pending.get(0);
        prompt.attempts++;
        int budget = prompt.maxAttempts != null ? prompt.maxAttempts : maxAttempts;
        if (prompt.attempts > budget) {
            prompt.attempts = budget;
            finish(prompt, PromptStatus.FAILED, "too-many-attempts",
                    "the prompt was started " + budget + " times without completing");
            return Next.skipped();
        }
        if (prompt.status == PromptStatus.QUEUED) {
            prompt.status = PromptStatus.RUNNING;
            if (prompt.startedAt == null) {
                prompt.startedAt = DbTime.now();
            }
        }
        // what an abandoned attempt saved is not this attempt's: a job ends with one set of files
        em.createNativeQuery("DELETE FROM artifact WHERE prompt_id = ?1 AND attempt < ?2")
                .setParameter(1, prompt.id)
                .setParameter(2, prompt.attempts)
                .executeUpdate();
        int inserted = em.createNativeQuery("""
                        INSERT INTO message (session_id, prompt_id, role, content, partial, created_at)
                        VALUES (?1, ?2, 'user', ?3, false, now()) ON CONFLICT (prompt_id) WHERE role = 'user' DO NOTHING""")
                .setParameter(1, sessionId)
                .setParameter(2, prompt.id)
                .setParameter(3, prompt.content)
                .executeUpdate();
        if (inserted == 1) {
            count(sessionId, 1, null);
        }
        var model = prompt.model != null ? prompt.model
                : (String) em.createNativeQuery("SELECT model FROM agent_session WHERE id = ?1").setParameter(1, sessionId)
                .getSingleResult();
        events.append(prompt.owner, sessionId, new SessionEvent.PromptStarted(prompt.id, prompt.attempts, model));
        started.fire(new PromptStarted(prompt.id, sessionId, prompt.owner, prompt.attempts));
        var history = history(sessionId, prompt);
        return Next.run(new RunningPrompt(prompt.id, sessionId, prompt.owner, prompt.seq, prompt.content, prompt.attempts,
                prompt.maxAttempts != null, model, history, prompt.traceParent, prompt.agentId,
                prompt.agentVersion, prompt.outputSchema, prompt.approval, resumeOf(prompt.id, history)));
    }

    /**
     * Pauses a run before tool calls that wait for a person: what the run produced so far (its
     * turns, the one asking for the calls last) is stored as the prompt's messages, its costs are
     * counted, each waiting call gets a {@code tool_approval} row and an event, and the session's
     * claim is parked on the prompt, so the prompts behind it stay queued and no worker, no
     * thread and no connection is held while a person decides.
     *
     * @return false when the prompt is no longer this worker's (cancelled, deleted, claim lost)
     */
    public boolean pause(UUID promptId, String worker, Outcome outcome) {
        var prompt = lockedRunningPrompt(promptId, worker);
        if (prompt == null) {
            return false;
        }
        recordRun(prompt, outcome);
        Message asking = null;
        for (var message : outcome.messages()) {
            var entity = toEntity(prompt, message, false);
            em.persist(entity);
            asking = entity;
        }
        em.flush(); // the asking turn's id names the decisions
        var expires = DbTime.now().plus(approvals.timeout());
        for (var call : outcome.awaiting()) {
            approvals.request(prompt, asking.id, call, expires);
        }
        prompt.status = PromptStatus.WAITING_APPROVAL;
        em.createNativeQuery("""
                        UPDATE agent_session SET worker = ?1, claim_expires_at = 'infinity' WHERE id = ?2 AND worker = ?3""")
                .setParameter(1, ToolApprovals.parkedClaim(prompt.id))
                .setParameter(2, prompt.sessionId)
                .setParameter(3, worker)
                .executeUpdate();
        count(prompt.sessionId, outcome.messages().size(), outcome);
        paused.fire(new PromptPaused(prompt.id, prompt.sessionId, prompt.owner));
        charge(prompt, outcome);
        return true;
    }

    /**
     * How a prompt that waited goes on: if its own stored messages end with a turn whose tool
     * calls have no results yet, the run starts with that turn's calls and their decisions. A
     * prompt resumed after a crash finds the same and runs the approved calls again (tool calls are
     * at-least-once).
     */
    private dev.rafiki.agent.control.AgentLoop.Resume resumeOf(UUID promptId, List<ChatMessage> history) {
        var last = history.get(history.size() - 1);
        if (last.role() != ChatMessage.Role.ASSISTANT || last.toolCalls().isEmpty()) {
            return null;
        }
        return new dev.rafiki.agent.control.AgentLoop.Resume(last.toolCalls(), approvals.decisions(promptId));
    }

    /** @return false when the prompt is no longer this worker's to finish (cancelled, deleted, claim lost) */
    public boolean complete(UUID promptId, String worker, Outcome outcome, boolean structured) {
        var prompt = lockedRunningPrompt(promptId, worker);
        if (prompt == null) {
            return false;
        }
        prompt.answer = outcome.answer();
        prompt.structured = structured;
        recordRun(prompt, outcome);
        for (var message : outcome.messages()) {
            em.persist(toEntity(prompt, message, false));
        }
        finish(prompt, PromptStatus.COMPLETED, null, null);
        count(prompt.sessionId, outcome.messages().size(), outcome);
        charge(prompt, outcome);
        return true;
    }

    /** Ends the prompt as failed; what the model had said is kept, marked partial. */
    public boolean fail(UUID promptId, String worker, String code, String message, Outcome outcome) {
        var prompt = lockedRunningPrompt(promptId, worker);
        if (prompt == null) {
            return false;
        }
        int stored = 0;
        if (outcome != null) {
            recordRun(prompt, outcome);
            for (var produced : outcome.messages()) {
                em.persist(toEntity(prompt, produced, produced.role() == ChatMessage.Role.ASSISTANT));
                stored++;
            }
        }
        finish(prompt, PromptStatus.FAILED, code, message);
        count(prompt.sessionId, stored, outcome);
        charge(prompt, outcome);
        return true;
    }

    /**
     * Puts a prompt with a retry budget back at the head of its session's queue after a failure
     * worth retrying; the next {@link #startNext} runs it again. What the failed attempt said is
     * not kept (the next attempt starts from the same history), but what it cost is counted.
     *
     * @return false when there is no retry left (the caller then fails the prompt) or the prompt
     *         is no longer this worker's
     */
    public boolean retry(UUID promptId, String worker, String code, String message, Outcome outcome, Duration pause) {
        var prompt = lockedRunningPrompt(promptId, worker);
        if (prompt == null || prompt.maxAttempts == null || prompt.attempts >= prompt.maxAttempts) {
            return false;
        }
        if (outcome != null) {
            recordRun(prompt, outcome);
            count(prompt.sessionId, 0, outcome);
        }
        prompt.status = PromptStatus.QUEUED;
        prompt.errorCode = code;
        prompt.errorMessage = message;
        events.append(prompt.owner, prompt.sessionId, new SessionEvent.PromptRetrying(prompt.id, prompt.attempts,
                prompt.maxAttempts, pause.toMillis(), SessionEvent.Problem.of(code, message)));
        charge(prompt, outcome);
        return true;
    }

    /** Renews the worker's lease while a long run goes on. */
    public boolean extend(UUID sessionId, String worker, Duration lease) {
        return em.createNativeQuery("""
                        UPDATE agent_session SET claim_expires_at = now() + make_interval(secs => ?1)
                        WHERE id = ?2 AND worker = ?3""")
                .setParameter(1, (double) lease.toSeconds())
                .setParameter(2, sessionId)
                .setParameter(3, worker)
                .executeUpdate() == 1;
    }

    /** Those of the given prompts that have reached their terminal status or wait for a person. */
    public List<UUID> finishedAmong(java.util.Collection<UUID> promptIds) {
        if (promptIds.isEmpty()) {
            return List.of();
        }
        return em.createQuery("""
                        SELECT p.id FROM Prompt p WHERE p.id IN :ids
                        AND p.status IN (dev.rafiki.prompt.entity.PromptStatus.COMPLETED, dev.rafiki.prompt.entity.PromptStatus.FAILED,
                            dev.rafiki.prompt.entity.PromptStatus.CANCELLED, dev.rafiki.prompt.entity.PromptStatus.WAITING_APPROVAL)""",
                        UUID.class)
                .setParameter("ids", promptIds)
                .getResultList();
    }

    /** Whether the prompt still waits for its result (no one has ended it meanwhile). */
    public boolean isRunning(UUID promptId) {
        var prompt = em.find(Prompt.class, promptId);
        return prompt != null && prompt.status == PromptStatus.RUNNING;
    }

    /** The prompt as committed now, or null. */
    public PromptSnapshot snapshot(UUID promptId) {
        var prompt = em.find(Prompt.class, promptId);
        return prompt == null ? null : PromptSnapshot.of(prompt, false);
    }

    /** Keeps what a cancelled prompt had produced, marked as partial. */
    public void keepPartial(UUID promptId, String text) {
        var prompt = em.find(Prompt.class, promptId);
        if (prompt == null || prompt.status != PromptStatus.CANCELLED || text == null || text.isEmpty()) {
            return;
        }
        // the session row first, as every writer takes it: the message's foreign key locks the
        // prompt row, and a second stop (session row, then prompt row) would otherwise deadlock with us
        if (em.createNativeQuery("SELECT 1 FROM agent_session WHERE id = ?1 FOR UPDATE")
                .setParameter(1, prompt.sessionId).getResultList().isEmpty()) {
            return;
        }
        int inserted = em.createNativeQuery("""
                        INSERT INTO message (session_id, prompt_id, role, content, partial, created_at)
                        SELECT ?1, ?2, 'assistant', ?3, true, now()
                        WHERE NOT EXISTS (SELECT 1 FROM message WHERE prompt_id = ?2 AND role = 'assistant')""")
                .setParameter(1, prompt.sessionId)
                .setParameter(2, prompt.id)
                .setParameter(3, text)
                .executeUpdate();
        if (inserted == 1) {
            count(prompt.sessionId, 1, null);
        }
    }

    /**
     * Gives the session up if nothing is pending. Refuses (returns false) when a prompt arrived
     * since the worker last looked, so the worker goes on with it.
     */
    public boolean release(UUID sessionId, String worker) {
        return em.createNativeQuery("""
                        UPDATE agent_session SET worker = NULL, claim_expires_at = NULL
                        WHERE id = ?1 AND worker = ?2
                        AND NOT EXISTS (SELECT 1 FROM prompt WHERE session_id = ?1 AND status IN\s"""
                        + PromptStatus.RUNNABLE_SQL + ")")
                .setParameter(1, sessionId)
                .setParameter(2, worker)
                .executeUpdate() == 1;
    }

    /** Lets other sessions have a turn: release unconditionally and queue a new wake-up behind theirs. */
    public void handOver(UUID sessionId, String worker) {
        em.createNativeQuery("UPDATE agent_session SET worker = NULL, claim_expires_at = NULL WHERE id = ?1 AND worker = ?2")
                .setParameter(1, sessionId)
                .setParameter(2, worker)
                .executeUpdate();
        dispatcher.wakeAfterCommit(sessionId);
    }

    public boolean hasPending(UUID sessionId) {
        return !em.createNativeQuery("SELECT 1 FROM prompt WHERE session_id = ?1 AND status IN " + PromptStatus.RUNNABLE_SQL
                        + " LIMIT 1")
                .setParameter(1, sessionId)
                .getResultList().isEmpty();
    }

    /**
     * Locks the session row (only if this worker still holds it), then the prompt. Every writer
     * takes the session row first, so prompt and session locks never deadlock.
     */
    private Prompt lockedRunningPrompt(UUID promptId, String worker) {
        var sessionId = em.createQuery("SELECT p.sessionId FROM Prompt p WHERE p.id = :id", UUID.class)
                .setParameter("id", promptId).getResultStream().findFirst();
        if (sessionId.isEmpty()) {
            return null;
        }
        boolean stillOurs = !em.createNativeQuery("SELECT 1 FROM agent_session WHERE id = ?1 AND worker = ?2 FOR UPDATE")
                .setParameter(1, sessionId.get())
                .setParameter(2, worker)
                .getResultList().isEmpty();
        if (!stillOurs) {
            return null;
        }
        var prompt = em.find(Prompt.class, promptId, LockModeType.PESSIMISTIC_WRITE);
        return prompt == null || prompt.status != PromptStatus.RUNNING ? null : prompt;
    }

    private void finish(Prompt prompt, PromptStatus status, String code, String message) {
        prompt.status = status;
        prompt.errorCode = code;
        prompt.errorMessage = message;
        prompt.finishedAt = DbTime.now();
        finished.fire(PromptFinished.of(prompt));
    }

    /** Adds up: a retried prompt's earlier attempts cost tokens too. */
    private void recordRun(Prompt prompt, Outcome outcome) {
        prompt.inputTokens += outcome.inputTokens();
        prompt.outputTokens += outcome.outputTokens();
        prompt.toolCalls += outcome.toolCalls();
        prompt.toolMillis += outcome.toolMillis();
        prompt.steps += outcome.steps();
    }

    /** Last in its transaction: budget rows are the last locks every writer takes. */
    private void charge(Prompt prompt, Outcome outcome) {
        if (outcome != null) {
            counters.charge(em, UsageCounters.Charge.now(prompt.owner, prompt.agentId, outcome.inputTokens(),
                    outcome.outputTokens(), outcome.toolCalls(), outcome.toolMillis()));
        }
    }

    private void count(UUID sessionId, int messages, Outcome outcome) {
        em.createNativeQuery("""
                        UPDATE agent_session SET message_count = message_count + ?1,
                        input_tokens = input_tokens + ?2, output_tokens = output_tokens + ?3,
                        tool_calls = tool_calls + ?4, tool_millis = tool_millis + ?5, updated_at = now()
                        WHERE id = ?6""")
                .setParameter(1, messages)
                .setParameter(2, outcome == null ? 0L : outcome.inputTokens())
                .setParameter(3, outcome == null ? 0L : outcome.outputTokens())
                .setParameter(4, outcome == null ? 0 : outcome.toolCalls())
                .setParameter(5, outcome == null ? 0L : outcome.toolMillis())
                .setParameter(6, sessionId)
                .executeUpdate();
    }

    /**
     * The conversation the model sees: the session's earlier prompts that produced an answer
     * (completed ones, and cancelled ones with their partial answer), then this prompt.
     */
    private List<ChatMessage> history(UUID sessionId, Prompt current) {
        var history = new ArrayList<>(conversation(sessionId, current.seq));
        history.add(ChatMessage.user(current.content));
        // what the prompt itself produced before it waited for a decision (stored only then)
        List<Message> own = em.createQuery("""
                        SELECT m FROM Message m WHERE m.promptId = :prompt AND m.role <> 'user' ORDER BY m.id""", Message.class)
                .setParameter("prompt", current.id)
                .getResultList();
        own.forEach(row -> history.add(chatMessage(row)));
        return history;
    }

    private static ChatMessage chatMessage(Message row) {
        return switch (row.role) {
            case "user" -> ChatMessage.user(row.content);
            case "tool" -> ChatMessage.toolResult(row.toolCallId, row.content, row.error);
            default -> ChatMessage.assistant(row.content, toolCalls(row.toolCalls));
        };
    }

    /** The conversation the model sees before the prompt numbered {@code beforeSeq}. */
    public List<ChatMessage> conversation(UUID sessionId, long beforeSeq) {
        List<Message> rows = em.createQuery("""
                        SELECT m FROM Message m, Prompt p WHERE m.sessionId = :session AND p.id = m.promptId
                        AND p.seq < :seq AND (p.status = dev.rafiki.prompt.entity.PromptStatus.COMPLETED
                          OR (p.status = dev.rafiki.prompt.entity.PromptStatus.CANCELLED
                              AND EXISTS (SELECT 1 FROM Message a WHERE a.promptId = p.id AND a.role = 'assistant')))
                        ORDER BY m.id""", Message.class)
                .setParameter("session", sessionId)
                .setParameter("seq", beforeSeq)
                .getResultList();
        var history = new ArrayList<ChatMessage>();
        for (var row : rows) {
            history.add(chatMessage(row));
        }
        return history;
    }

    static List<ToolCall> toolCalls(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readArray().stream().map(v -> v.asJsonObject())
                    .map(o -> new ToolCall(o.getString("id"), o.getString("name"), o.getString("arguments")))
                    .toList();
        }
    }

    static String toolCallsJson(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return null;
        }
        var array = Json.createArrayBuilder();
        calls.forEach(c -> array.add(Json.createObjectBuilder().add("id", c.id()).add("name", c.name())
                .add("arguments", c.arguments() == null ? "{}" : c.arguments())));
        return array.build().toString();
    }

    private static Message toEntity(Prompt prompt, ChatMessage message, boolean partial) {
        var role = message.role() == ChatMessage.Role.TOOL ? "tool" : "assistant";
        var entity = Message.of(prompt.sessionId, prompt.id, role, message.content() == null ? "" : message.content(), partial);
        entity.toolCalls = toolCallsJson(message.toolCalls());
        entity.toolCallId = message.toolCallId();
        entity.error = message.isError();
        return entity;
    }

    /**
     * @param retryable   whether failures worth retrying start the prompt again (it has a retry budget)
     * @param traceParent the W3C traceparent of the request that queued it, or null
     * @param agentId     the profile it runs with (recorded when it was accepted), or null
     * @param outputSchema the schema its request gave for the answer (JSON text), or null
     * @param approval    the approval rules its request gave (JSON text), or null
     * @param resume      the decided turn a prompt that waited for approval goes on with, or null
     */
    public record RunningPrompt(UUID id, UUID sessionId, String owner, long seq, String content, int attempt,
                                boolean retryable, String model, List<ChatMessage> history, String traceParent,
                                UUID agentId, Integer agentVersion, String outputSchema, String approval,
                                dev.rafiki.agent.control.AgentLoop.Resume resume) {
        public RunningPrompt(UUID id, UUID sessionId, String owner, long seq, String content, int attempt,
                             boolean retryable, String model, List<ChatMessage> history, String traceParent,
                             UUID agentId, Integer agentVersion) {
            this(id, sessionId, owner, seq, content, attempt, retryable, model, history, traceParent, agentId,
                    agentVersion, null, null, null);
        }
    }

    /** What the worker should do next. */
    public record Next(Kind kind, RunningPrompt prompt) {
        public enum Kind { RUN, EMPTY, SKIPPED, LOST }

        static Next run(RunningPrompt prompt) {
            return new Next(Kind.RUN, prompt);
        }

        static Next empty() {
            return new Next(Kind.EMPTY, null);
        }

        static Next skipped() {
            return new Next(Kind.SKIPPED, null);
        }

        static Next lost() {
            return new Next(Kind.LOST, null);
        }
    }
}
