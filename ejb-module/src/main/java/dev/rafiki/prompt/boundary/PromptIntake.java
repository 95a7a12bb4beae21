package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.control.PromptDispatcher;
import dev.rafiki.prompt.control.PromptFinished;
import dev.rafiki.prompt.control.PromptSettings;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.session.boundary.Sessions;
import dev.rafiki.session.entity.AgentSession;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.platform.db.DbTime;
import dev.rafiki.platform.tracing.Tracing;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepts a prompt in one transaction: the session row is locked, so the prompt's sequence
 * number is the session's commit order; the worker's wake-up is sent in the same transaction.
 */
@Stateless
public class PromptIntake {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    dev.rafiki.prompt.control.ToolApprovals approvals;

    @Inject
    Tracing tracing;

    @Inject
    Sessions sessions;

    @Inject
    PromptDispatcher dispatcher;

    @Inject
    Event<PromptFinished> finished;

    @Inject
    EventLog events;

    @Inject
    dev.rafiki.agent.control.ModelCatalog models;

    @Inject
    PromptSettings settings;

    public Prompt accept(NewPrompt request) {
        return accept(request, false);
    }

    /**
     * Accepts a prompt that must not run before its time (a delayed job): it is committed as
     * {@code scheduled}, outside the session's queue, and {@link #release} queues it later.
     */
    public Prompt acceptScheduled(NewPrompt request) {
        return accept(request, true);
    }

    /**
     * Puts a scheduled prompt into its session's queue now, under the session's row lock, with
     * the session's next sequence number: it runs after what was queued before its time came and
     * before what is queued later, exactly as if it had been submitted now. Whichever node or
     * thread comes second finds it no longer scheduled and does nothing.
     *
     * @return the prompt if this call queued it, else empty
     */
    public Optional<Prompt> release(UUID promptId) {
        var found = em.find(Prompt.class, promptId);
        if (found == null || found.status != PromptStatus.SCHEDULED) {
            return Optional.empty();
        }
        // session row first, then the prompt's: the order every writer locks in
        var session = em.find(AgentSession.class, found.sessionId, LockModeType.PESSIMISTIC_WRITE);
        if (session == null) {
            return Optional.empty();
        }
        em.refresh(session);
        var prompt = found;
        em.refresh(prompt, LockModeType.PESSIMISTIC_WRITE);
        if (prompt.status != PromptStatus.SCHEDULED) {
            return Optional.empty();
        }
        session.nextSeq++;
        session.updatedAt = DbTime.now();
        prompt.seq = session.nextSeq;
        prompt.status = PromptStatus.QUEUED;
        em.flush();
        queued(prompt);
        return Optional.of(prompt);
    }

    private Prompt accept(NewPrompt request, boolean scheduled) {
        var model = request.effectiveModel();
        if (model != null && models.resolve(model) == null) {
            throw ApiException.invalid("unknown model '" + model + "'; use " + models.describe());
        }
        var pin = request.pin();
        AgentSession session;
        if (request.sessionId() == null) {
            // a session a prompt creates keeps the prompt's profile for the prompts that follow
            session = AgentSession.create(request.owner(), null,
                    pin != null && pin.model() != null ? pin.model() : Sessions.DEFAULT_MODEL, null);
            if (pin != null) {
                session.agentId = pin.id();
                session.agentVersion = pin.version();
            }
            em.persist(session);
        } else {
            session = sessions.owned(request.owner(), request.sessionId());
            em.refresh(session, LockModeType.PESSIMISTIC_WRITE);
            applyBusyPolicy(request.busy(), session.id);
            if (!scheduled) {
                refuseWhenQueueFull(session.id);
            }
        }
        session.nextSeq++;
        session.promptCount++;
        session.updatedAt = DbTime.now();

        var prompt = new Prompt();
        prompt.id = UUID.randomUUID();
        prompt.sessionId = session.id;
        prompt.seq = session.nextSeq;
        prompt.owner = request.owner();
        prompt.content = request.prompt();
        prompt.model = model;
        prompt.outputSchema = request.outputSchema();
        prompt.metadata = request.metadata();
        prompt.approval = request.approval();
        prompt.agentId = pin != null ? pin.id() : session.agentId;
        prompt.agentVersion = pin != null ? Integer.valueOf(pin.version()) : session.agentVersion;
        prompt.status = scheduled ? PromptStatus.SCHEDULED : PromptStatus.QUEUED;
        prompt.idempotencyKey = request.idempotencyKey();
        prompt.requestHash = request.idempotencyKey() == null ? null : request.requestHash();
        prompt.createdAt = DbTime.now();
        prompt.traceParent = tracing.traceparent();
        em.persist(prompt);
        em.flush();
        if (!scheduled) {
            queued(prompt);
        }
        return prompt;
    }

    private void queued(Prompt prompt) {
        events.append(prompt.owner, prompt.sessionId, new SessionEvent.PromptQueued(prompt.id, prompt.seq, prompt.content));
        dispatcher.wakeAfterCommit(prompt.sessionId);
    }

    public Optional<Prompt> byIdempotencyKey(String owner, String key) {
        return em.createQuery("SELECT p FROM Prompt p WHERE p.owner = :owner AND p.idempotencyKey = :key", Prompt.class)
                .setParameter("owner", owner)
                .setParameter("key", key)
                .getResultStream().findFirst();
    }

    /** Counted under the session's row lock, so concurrent submissions cannot overshoot the limit. */
    private void refuseWhenQueueFull(UUID sessionId) {
        long queued = em.createQuery("""
                        SELECT COUNT(p) FROM Prompt p WHERE p.sessionId = :session
                        AND p.status = dev.rafiki.prompt.entity.PromptStatus.QUEUED""", Long.class)
                .setParameter("session", sessionId)
                .getSingleResult();
        if (queued >= settings.maxQueue) {
            throw new ApiException(ErrorCode.QUEUE_FULL,
                    "session " + sessionId + " already has " + queued + " prompts waiting (rafiki.session.max-queue)",
                    Map.of("queue_length", queued));
        }
    }

    private void applyBusyPolicy(BusyPolicy policy, UUID sessionId) {
        if (policy == BusyPolicy.ENQUEUE) {
            return;
        }
        List<Prompt> pending = em.createQuery("SELECT p FROM Prompt p WHERE p.sessionId = :session AND p.status IN "
                        + PromptStatus.ACTIVE_JPQL + " ORDER BY p.seq", Prompt.class)
                .setParameter("session", sessionId)
                .getResultList();
        if (pending.isEmpty()) {
            return;
        }
        // a prompt waiting for an approval holds the session like a running one
        var running = pending.stream().filter(p -> PromptStatus.IN_FLIGHT.contains(p.status)).findFirst();
        if (policy == BusyPolicy.REJECT) {
            var blocking = running.orElse(pending.get(0));
            throw new ApiException(ErrorCode.SESSION_BUSY,
                    "session " + sessionId + " is busy with prompt " + blocking.id,
                    Map.of("running_prompt_id", blocking.id.toString(), "queue_length", pending.size()));
        }
        running.ifPresent(p -> {
            boolean waiting = p.status == PromptStatus.WAITING_APPROVAL;
            p.status = PromptStatus.CANCELLED;
            p.errorCode = "interrupted";
            p.errorMessage = "interrupted by a newer prompt";
            p.finishedAt = DbTime.now();
            finished.fire(PromptFinished.of(p));
            if (waiting) {
                approvals.stopped(p);
            }
        });
    }
}
