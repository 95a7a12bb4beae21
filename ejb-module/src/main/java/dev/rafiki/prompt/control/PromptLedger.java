package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.EchoModel.Completion;
import dev.rafiki.prompt.entity.Message;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
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

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    Event<PromptFinished> finished;

    @Inject
    PromptDispatcher dispatcher;

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
        List<Prompt> pending = em.createQuery("""
                        SELECT p FROM Prompt p WHERE p.sessionId = :session
                        AND p.status IN (dev.rafiki.prompt.entity.PromptStatus.QUEUED, dev.rafiki.prompt.entity.PromptStatus.RUNNING)
                        ORDER BY p.seq""", Prompt.class)
                .setParameter("session", sessionId)
                .setMaxResults(1)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        if (pending.isEmpty()) {
            return Next.empty();
        }
        var prompt = pending.get(0);
        prompt.attempts++;
        if (prompt.attempts > maxAttempts) {
            finish(prompt, PromptStatus.FAILED, "too-many-attempts",
                    "the prompt was attempted " + maxAttempts + " times without completing");
            return Next.skipped();
        }
        if (prompt.status == PromptStatus.QUEUED) {
            prompt.status = PromptStatus.RUNNING;
            prompt.startedAt = Instant.now();
        }
        int inserted = em.createNativeQuery("""
                        INSERT INTO message (session_id, prompt_id, role, content, partial, created_at)
                        VALUES (?1, ?2, 'user', ?3, false, now()) ON CONFLICT (prompt_id, role) DO NOTHING""")
                .setParameter(1, sessionId)
                .setParameter(2, prompt.id)
                .setParameter(3, prompt.content)
                .executeUpdate();
        if (inserted == 1) {
            countMessage(sessionId, 0, 0);
        }
        return Next.run(new RunningPrompt(prompt.id, sessionId, prompt.seq, prompt.content, prompt.attempts));
    }

    /** @return false when the prompt is no longer this worker's to finish (cancelled, deleted, claim lost) */
    public boolean complete(UUID promptId, String worker, Completion completion) {
        var prompt = lockedRunningPrompt(promptId, worker);
        if (prompt == null) {
            return false;
        }
        prompt.answer = completion.text();
        prompt.inputTokens = completion.inputTokens();
        prompt.outputTokens = completion.outputTokens();
        finish(prompt, PromptStatus.COMPLETED, null, null);
        em.persist(Message.of(prompt.sessionId, prompt.id, "assistant", completion.text(), false));
        countMessage(prompt.sessionId, completion.inputTokens(), completion.outputTokens());
        return true;
    }

    public boolean fail(UUID promptId, String worker, String code, String message) {
        var prompt = lockedRunningPrompt(promptId, worker);
        if (prompt == null) {
            return false;
        }
        finish(prompt, PromptStatus.FAILED, code, message);
        return true;
    }

    /** Keeps what a cancelled prompt had produced, marked as partial. */
    public void keepPartial(UUID promptId, String text) {
        var prompt = em.find(Prompt.class, promptId);
        if (prompt == null || prompt.status != PromptStatus.CANCELLED || text == null || text.isEmpty()) {
            return;
        }
        int inserted = em.createNativeQuery("""
                        INSERT INTO message (session_id, prompt_id, role, content, partial, created_at)
                        VALUES (?1, ?2, 'assistant', ?3, true, now()) ON CONFLICT (prompt_id, role) DO NOTHING""")
                .setParameter(1, prompt.sessionId)
                .setParameter(2, prompt.id)
                .setParameter(3, text)
                .executeUpdate();
        if (inserted == 1) {
            countMessage(prompt.sessionId, 0, 0);
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
                        AND NOT EXISTS (SELECT 1 FROM prompt WHERE session_id = ?1 AND status IN ('queued', 'running'))""")
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
        dispatcher.wake(sessionId);
    }

    public boolean hasPending(UUID sessionId) {
        return !em.createNativeQuery("SELECT 1 FROM prompt WHERE session_id = ?1 AND status IN ('queued', 'running') LIMIT 1")
                .setParameter(1, sessionId)
                .getResultList().isEmpty();
    }

    private Prompt lockedRunningPrompt(UUID promptId, String worker) {
        var prompt = em.find(Prompt.class, promptId, LockModeType.PESSIMISTIC_WRITE);
        if (prompt == null || prompt.status != PromptStatus.RUNNING) {
            return null;
        }
        boolean stillOurs = !em.createNativeQuery("SELECT 1 FROM agent_session WHERE id = ?1 AND worker = ?2")
                .setParameter(1, prompt.sessionId)
                .setParameter(2, worker)
                .getResultList().isEmpty();
        return stillOurs ? prompt : null;
    }

    private void finish(Prompt prompt, PromptStatus status, String code, String message) {
        prompt.status = status;
        prompt.errorCode = code;
        prompt.errorMessage = message;
        prompt.finishedAt = Instant.now();
        finished.fire(new PromptFinished(prompt.id, prompt.sessionId));
    }

    private void countMessage(UUID sessionId, long inputTokens, long outputTokens) {
        em.createNativeQuery("""
                        UPDATE agent_session SET message_count = message_count + 1,
                        input_tokens = input_tokens + ?1, output_tokens = output_tokens + ?2, updated_at = now()
                        WHERE id = ?3""")
                .setParameter(1, inputTokens)
                .setParameter(2, outputTokens)
                .setParameter(3, sessionId)
                .executeUpdate();
    }

    public record RunningPrompt(UUID id, UUID sessionId, long seq, String content, int attempt) {
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
