package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.db.DbTime;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.control.PromptFinished;
import dev.rafiki.prompt.control.PromptSnapshot;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.prompt.entity.ToolApproval;
import dev.rafiki.session.boundary.Sessions;
import dev.rafiki.session.boundary.Views.AgentUse;
import dev.rafiki.session.boundary.Views.ApprovalView;
import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.PromptView;
import dev.rafiki.session.boundary.Views.StopResult;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.UUID;

/** Submitting, reading and cancelling prompts. */
@Stateless
public class Prompts {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    PromptIntake intake;

    @Inject
    Sessions sessions;

    @Inject
    Event<PromptFinished> finished;

    @Inject
    dev.rafiki.prompt.control.ToolApprovals approvals;

    @Inject
    dev.rafiki.profile.boundary.AgentProfiles profiles;

    /**
     * Accepts a prompt on the durable queue; once this returns, the prompt is committed and will
     * run. With an idempotency key, a retry of the same request returns the first prompt instead
     * of a new one, even when both arrive at the same moment (the database's unique key decides).
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public PromptSnapshot submit(NewPrompt request) {
        if (request.agent() != null && request.pin() == null) {
            request = request.pinned(profiles.resolve(request.owner(), request.agent()));
        }
        if (request.idempotencyKey() != null) {
            var existing = intake.byIdempotencyKey(request.owner(), request.idempotencyKey());
            if (existing.isPresent()) {
                return replay(existing.get(), request);
            }
        }
        try {
            return PromptSnapshot.of(intake.accept(request), false);
        } catch (EJBException e) {
            if (request.idempotencyKey() != null && dev.rafiki.platform.db.SqlStates.uniqueViolation(e)) {
                var winner = intake.byIdempotencyKey(request.owner(), request.idempotencyKey());
                if (winner.isPresent()) {
                    return replay(winner.get(), request);
                }
            }
            throw e;
        }
    }

    /** The caller's prompt, wherever it is, or 404. */
    public PromptView find(String owner, UUID promptId) {
        var prompt = em.find(Prompt.class, promptId);
        if (prompt == null || !prompt.owner.equals(owner)) {
            throw ApiException.notFound("prompt " + promptId);
        }
        return view(prompt);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public PromptView get(String owner, UUID sessionId, UUID promptId) {
        var prompt = em.find(Prompt.class, promptId);
        if (prompt == null || !prompt.owner.equals(owner) || !prompt.sessionId.equals(sessionId)) {
            throw ApiException.notFound("prompt " + promptId);
        }
        return withApprovals(view(prompt));
    }

    /** The view with the tool calls that waited for a person, if any did. */
    private PromptView withApprovals(PromptView view) {
        return view.withApprovals(approvals.of(view.id()).stream()
                .map(Prompts::approvalView).toList());
    }

    private static ApprovalView approvalView(ToolApproval a) {
        var decision = switch (a.status) {
            case ToolApproval.APPROVED -> "approve";
            case ToolApproval.PENDING -> null;
            default -> "deny";
        };
        return new ApprovalView(a.promptId, a.sessionId, a.toolCallId, a.tool, parsed(a.arguments), a.status, decision,
                a.reason, a.decidedArguments == null ? null : parsed(a.decidedArguments), a.decidedBy, a.requestedAt,
                a.expiresAt, a.decidedAt);
    }

    /** A model may send arguments that are not JSON: shown as the text they are. */
    private static jakarta.json.JsonValue parsed(String text) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
            return reader.readValue();
        } catch (RuntimeException notJson) {
            return jakarta.json.Json.createValue(text);
        }
    }

    /**
     * A person's decision on a tool call the prompt waits for: approved, it runs (with the edited
     * arguments, if given) and the run goes on; denied, the model gets the denial as the call's
     * result. The same decision again answers the same record.
     */
    public ApprovalView decide(String owner, UUID sessionId, UUID promptId, String toolCallId, String decision,
                               String reason, String arguments) {
        return approvalView(approvals.decide(owner, sessionId, promptId, toolCallId, decision, reason, arguments));
    }

    /** Cancels the running prompt (and, if asked, every queued one). Repeating it is harmless. */
    public StopResult stop(String owner, UUID sessionId, boolean clearQueue) {
        em.refresh(sessions.owned(owner, sessionId), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        var statuses = clearQueue ? PromptStatus.ACTIVE : PromptStatus.IN_FLIGHT;
        var targets = em.createQuery("SELECT p FROM Prompt p WHERE p.sessionId = :session AND p.status IN :statuses",
                        Prompt.class)
                .setParameter("session", sessionId)
                .setParameter("statuses", statuses)
                .getResultList();
        var cancelled = new ArrayList<UUID>();
        for (var prompt : targets) {
            cancel(prompt, "cancelled", "stopped by the client");
            cancelled.add(prompt.id);
        }
        return new StopResult(sessionId, cancelled);
    }

    /** Cancels one prompt, queued or running; a finished one is left as it is. */
    public PromptView cancel(String owner, UUID promptId) {
        var found = em.find(Prompt.class, promptId);
        if (found == null || !found.owner.equals(owner)) {
            throw ApiException.notFound("prompt " + promptId);
        }
        em.refresh(sessions.owned(owner, found.sessionId), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        var prompt = em.find(Prompt.class, promptId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (!prompt.status.terminal()) {
            cancel(prompt, "cancelled", "cancelled by the client");
        }
        return view(prompt);
    }

    /** Removes a prompt that has not started from the queue; it ends as {@code cancelled}. */
    public PromptView dequeue(String owner, UUID sessionId, UUID promptId) {
        em.refresh(sessions.owned(owner, sessionId), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        var prompt = em.find(Prompt.class, promptId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (prompt == null || !prompt.sessionId.equals(sessionId)) {
            throw ApiException.notFound("prompt " + promptId);
        }
        // a delayed job's prompt has not started either
        if (prompt.status != PromptStatus.QUEUED && prompt.status != PromptStatus.SCHEDULED) {
            throw new ApiException(ErrorCode.SESSION_BUSY, "prompt " + promptId + " is " + prompt.status.wire()
                    + " and can no longer be removed from the queue; use POST /session/" + sessionId + "/stop");
        }
        cancel(prompt, "removed", "removed from the queue by the client");
        return view(prompt);
    }

    private void cancel(Prompt prompt, String code, String message) {
        boolean waiting = prompt.status == PromptStatus.WAITING_APPROVAL;
        prompt.status = PromptStatus.CANCELLED;
        prompt.errorCode = code;
        prompt.errorMessage = message;
        prompt.finishedAt = DbTime.now();
        finished.fire(PromptFinished.of(prompt));
        if (waiting) {
            approvals.stopped(prompt);
        }
    }

    static PromptSnapshot replay(Prompt existing, NewPrompt request) {
        if (!request.requestHash().equals(existing.requestHash)) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "Idempotency-Key '" + request.idempotencyKey() + "' was already used for a different request");
        }
        return PromptSnapshot.of(existing, true);
    }

    public static PromptView view(PromptSnapshot p) {
        return new PromptView(p.id(), p.sessionId(), p.seq(), p.status(), p.content(), p.model(),
                AgentUse.of(p.agentId(), p.agentVersion()), p.answer(),
                p.errorCode() == null ? null : new ErrorView(p.errorCode(), p.errorMessage()), p.attempts(), p.steps(),
                Usage.of(p.inputTokens(), p.outputTokens(), p.toolCalls(), p.toolMillis()), p.createdAt(),
                p.startedAt(), p.finishedAt(), dev.rafiki.session.boundary.Views.output(p.structured(), p.answer()),
                dev.rafiki.session.boundary.Views.metadata(p.metadata()), null);
    }

    public static PromptView view(Prompt p) {
        return new PromptView(p.id, p.sessionId, p.seq, p.status.wire(), p.content, p.model,
                AgentUse.of(p.agentId, p.agentVersion), p.answer,
                p.errorCode == null ? null : new ErrorView(p.errorCode, p.errorMessage), p.attempts, p.steps,
                Usage.of(p.inputTokens, p.outputTokens, p.toolCalls, p.toolMillis), p.createdAt, p.startedAt,
                p.finishedAt, dev.rafiki.session.boundary.Views.output(p.structured, p.answer),
                dev.rafiki.session.boundary.Views.metadata(p.metadata), null);
    }
}
