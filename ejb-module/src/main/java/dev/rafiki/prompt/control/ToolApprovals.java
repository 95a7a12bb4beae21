package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.entity.Message;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.prompt.entity.ToolApproval;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tool calls that wait for a person, and their decisions; each public method is one transaction.
 * <p>
 * The {@code tool_approval} row is the truth: a decision, an expiry or a stop changes it under the
 * session's row lock (taken first, as by every writer), then the prompt's, so two nodes deciding
 * the same call at once decide it once. Once no call of the waiting turn is pending, the prompt is
 * {@code running} again and its session's parked claim is released with a wake-up after the
 * commit: a worker on any node resumes it from its stored messages.
 */
@Stateless
public class ToolApprovals {

    public static final String APPROVE = "approve";
    public static final String DENY = "deny";

    /** Never a node's claim: node ids are made of {@code [A-Za-z0-9._:-]} only. */
    private static final String PARKED = "#approval|";

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    EventLog events;

    @Inject
    PromptDispatcher dispatcher;

    @Inject
    PromptSettings settings;

    /** The session claim a waiting prompt holds: no worker takes the session while it waits. */
    public static String parkedClaim(UUID promptId) {
        return PARKED + promptId;
    }

    /** How long a request waits for its decision. (Public: an EJB's callers reach only public methods.) */
    public Duration timeout() {
        return settings.approvalTimeout;
    }

    /** Records a waiting call and tells every subscriber; inside the transaction that pauses the prompt. */
    public void request(Prompt prompt, long messageId, ToolCall call, Instant expires) {
        var approval = new ToolApproval();
        approval.promptId = prompt.id;
        approval.sessionId = prompt.sessionId;
        approval.owner = prompt.owner;
        approval.messageId = messageId;
        approval.toolCallId = call.id();
        approval.tool = call.name();
        approval.arguments = call.arguments() == null ? "{}" : call.arguments();
        approval.status = ToolApproval.PENDING;
        approval.requestedAt = now();
        approval.expiresAt = expires.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        em.persist(approval);
        events.append(prompt.owner, prompt.sessionId, new SessionEvent.ToolCallApprovalRequested(prompt.id,
                approval.toolCallId, approval.tool, json(approval.arguments), approval.expiresAt));
    }

    /** The decisions on the last turn of the prompt that waited, by tool call id. */
    public Map<String, AgentLoop.Decision> decisions(UUID promptId) {
        List<ToolApproval> rows = em.createQuery("""
                        SELECT a FROM ToolApproval a WHERE a.promptId = :prompt AND a.messageId =
                        (SELECT max(b.messageId) FROM ToolApproval b WHERE b.promptId = :prompt)""", ToolApproval.class)
                .setParameter("prompt", promptId)
                .getResultList();
        var decisions = new HashMap<String, AgentLoop.Decision>();
        for (var row : rows) {
            decisions.put(row.toolCallId, ToolApproval.APPROVED.equals(row.status)
                    ? new AgentLoop.Decision(true, row.decidedArguments != null ? row.decidedArguments : row.arguments, null)
                    : new AgentLoop.Decision(false, null, row.reason));
        }
        return decisions;
    }

    /** The requests of one prompt, oldest first. */
    public List<ToolApproval> of(UUID promptId) {
        return em.createQuery("SELECT a FROM ToolApproval a WHERE a.promptId = :prompt ORDER BY a.id", ToolApproval.class)
                .setParameter("prompt", promptId)
                .getResultList();
    }

    /**
     * A person's decision on a waiting call of their own prompt. Deciding again the same way
     * answers the same record; deciding otherwise is {@code approval-decided}.
     *
     * @param arguments edited arguments (a JSON object's text) to run an approved call with, or null
     */
    public ToolApproval decide(String owner, UUID sessionId, UUID promptId, String toolCallId, String decision,
                               String reason, String arguments) {
        var sessionOf = em.createQuery("SELECT p.sessionId FROM Prompt p WHERE p.id = :id AND p.owner = :owner", UUID.class)
                .setParameter("id", promptId).setParameter("owner", owner).getResultStream().findFirst();
        if (sessionOf.isEmpty() || !sessionOf.get().equals(sessionId) || !lockSession(sessionId)) {
            throw ApiException.notFound("prompt " + promptId);
        }
        var prompt = em.find(Prompt.class, promptId, LockModeType.PESSIMISTIC_WRITE);
        var approval = latest(promptId, toolCallId);
        if (approval == null) {
            throw ApiException.notFound("approval request for tool call '" + toolCallId + "' of prompt " + promptId);
        }
        boolean approve = APPROVE.equals(decision);
        if (!approval.pending()) {
            if (sameDecision(approval, approve, arguments)) {
                return approval;
            }
            throw new ApiException(ErrorCode.APPROVAL_DECIDED, "tool call '" + toolCallId + "' is already "
                    + approval.status + (approval.reason == null ? "" : " (" + approval.reason + ")"),
                    Map.of("approval_status", approval.status));
        }
        approval.status = approve ? ToolApproval.APPROVED : ToolApproval.DENIED;
        approval.decidedArguments = approve ? arguments : null;
        approval.reason = reason;
        approval.decidedBy = owner;
        approval.decidedAt = now();
        decided(prompt, approval, false);
        return approval;
    }

    /** Ids of pending requests whose time ran out, oldest first. */
    public List<Long> due(int limit) {
        return em.createNativeQuery("""
                        SELECT id FROM tool_approval WHERE status = 'pending' AND expires_at <= now()
                        ORDER BY expires_at LIMIT ?1""", Long.class)
                .setParameter(1, limit)
                .getResultList();
    }

    /** An expired request is denied, with an event; a second node finding it decided does nothing. */
    public void expire(long approvalId) {
        var found = em.find(ToolApproval.class, approvalId);
        if (found == null || !found.pending() || !lockSession(found.sessionId)) {
            return;
        }
        var prompt = em.find(Prompt.class, found.promptId, LockModeType.PESSIMISTIC_WRITE);
        var approval = found;
        em.refresh(approval, LockModeType.PESSIMISTIC_WRITE); // as decided meanwhile, if it was
        if (prompt == null || !approval.pending() || approval.expiresAt.isAfter(Instant.now())) {
            return;
        }
        approval.status = ToolApproval.EXPIRED;
        approval.reason = "no decision within " + Duration.between(approval.requestedAt, approval.expiresAt).toSeconds()
                + " s: the request expired";
        approval.decidedAt = now();
        decided(prompt, approval, true);
    }

    /**
     * A waiting prompt is being cancelled (in the caller's transaction, which holds its session's
     * and its row's locks): its pending requests end, the turn that waited gets a result for every
     * call (so the conversation later prompts see stays well formed), and the session is freed.
     */
    public void stopped(Prompt prompt) {
        var asking = (Long) em.createNativeQuery("SELECT max(message_id) FROM tool_approval WHERE prompt_id = ?1", Long.class)
                .setParameter(1, prompt.id).getSingleResult();
        for (var approval : of(prompt.id)) {
            if (approval.pending()) {
                approval.status = ToolApproval.CANCELLED;
                approval.reason = "the prompt was stopped";
                approval.decidedAt = now();
            }
        }
        var turn = asking == null ? null : em.find(Message.class, asking);
        if (turn != null) {
            var calls = PromptLedger.toolCalls(turn.toolCalls);
            for (var call : calls) {
                var result = Message.of(prompt.sessionId, prompt.id, "tool", "not run: the prompt was stopped", false);
                result.toolCallId = call.id();
                result.error = true;
                em.persist(result);
            }
            em.createNativeQuery("UPDATE agent_session SET message_count = message_count + ?1, updated_at = now() WHERE id = ?2")
                    .setParameter(1, calls.size()).setParameter(2, prompt.sessionId).executeUpdate();
        }
        release(prompt);
    }

    private void decided(Prompt prompt, ToolApproval approval, boolean expired) {
        events.append(prompt.owner, prompt.sessionId, new SessionEvent.ToolCallApprovalDecided(prompt.id,
                approval.toolCallId, approval.tool, ToolApproval.APPROVED.equals(approval.status) ? APPROVE : DENY, expired,
                approval.reason, approval.decidedBy,
                approval.decidedArguments == null ? null : json(approval.decidedArguments)));
        if (prompt.status != PromptStatus.WAITING_APPROVAL) {
            return;
        }
        long open = em.createQuery("""
                        SELECT count(a) FROM ToolApproval a WHERE a.promptId = :prompt AND a.status = 'pending'""", Long.class)
                .setParameter("prompt", prompt.id).getSingleResult();
        if (open == 0) {
            prompt.status = PromptStatus.RUNNING;
            // the worker that resumes it counts an attempt when it starts: the resumed run is the same attempt
            prompt.attempts = Math.max(0, prompt.attempts - 1);
            release(prompt);
        }
    }

    /** Frees the session the prompt parked its claim on; a worker (any node) takes it after the commit. */
    private void release(Prompt prompt) {
        em.createNativeQuery("UPDATE agent_session SET worker = NULL, claim_expires_at = NULL WHERE id = ?1 AND worker = ?2")
                .setParameter(1, prompt.sessionId)
                .setParameter(2, parkedClaim(prompt.id))
                .executeUpdate();
        dispatcher.wakeAfterCommit(prompt.sessionId);
    }

    private static Instant now() {
        return dev.rafiki.platform.db.DbTime.now();
    }

    private boolean lockSession(UUID sessionId) {
        return !em.createNativeQuery("SELECT 1 FROM agent_session WHERE id = ?1 FOR UPDATE")
                .setParameter(1, sessionId).getResultList().isEmpty();
    }

    private ToolApproval latest(UUID promptId, String toolCallId) {
        return em.createQuery("""
                        SELECT a FROM ToolApproval a WHERE a.promptId = :prompt AND a.toolCallId = :call ORDER BY a.id DESC""",
                        ToolApproval.class)
                .setParameter("prompt", promptId)
                .setParameter("call", toolCallId)
                .setMaxResults(1)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultStream().findFirst().orElse(null);
    }

    /** Expired counts as denied: a late denial is answered with the record, a late approval is refused. */
    private static boolean sameDecision(ToolApproval approval, boolean approve, String arguments) {
        if (approve) {
            return ToolApproval.APPROVED.equals(approval.status)
                    && (arguments == null || json(arguments).equals(json(approval.decidedArguments == null
                    ? approval.arguments : approval.decidedArguments)));
        }
        return ToolApproval.DENIED.equals(approval.status) || ToolApproval.EXPIRED.equals(approval.status);
    }

    /** Arguments as JSON when they are JSON (a model may send anything), else as the text they are. */
    public static JsonValue json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (RuntimeException notJson) {
            return Json.createValue(text);
        }
    }

    /** The parsed form of a decision's edited arguments: they must be a JSON object, as a model's are. */
    public static String arguments(JsonValue edited) {
        if (edited == null || edited.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(edited instanceof JsonObject object)) {
            throw ApiException.invalid("'arguments' must be a JSON object, the tool's arguments");
        }
        return object.toString();
    }
}
