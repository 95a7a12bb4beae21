package dev.rafiki.job.boundary;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.job.control.JobSettings;
import dev.rafiki.job.entity.Job;
import dev.rafiki.platform.db.DbTime;
import dev.rafiki.prompt.boundary.BusyPolicy;
import dev.rafiki.prompt.boundary.NewPrompt;
import dev.rafiki.prompt.boundary.PromptIntake;
import dev.rafiki.prompt.entity.Prompt;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepts a job in one transaction: its prompt joins the session queue (a new session unless one
 * is named) with a retry budget, and the job row and {@code job.queued} event commit with it.
 */
@Stateless
public class JobIntake {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    PromptIntake prompts;

    @Inject
    EventLog events;

    @Inject
    JobSettings settings;

    public Job accept(NewJob request, int maxAttempts) {
        var asPrompt = new NewPrompt(request.owner(), request.sessionId(), request.prompt(), BusyPolicy.ENQUEUE, null,
                request.model(), request.agent(), request.pin(), request.outputSchema(), request.metadata(),
                request.approval());
        // a run_at already past when the job arrives: due at once, like a job without one
        boolean delayed = request.runAt() != null && request.runAt().isAfter(Instant.now());
        if (delayed) {
            refuseBeyondScheduledCap(request.owner());
        }
        Prompt prompt = delayed ? prompts.acceptScheduled(asPrompt) : prompts.accept(asPrompt);
        prompt.maxAttempts = maxAttempts;
        var job = new Job();
        job.id = prompt.id;
        job.owner = request.owner();
        job.sessionId = prompt.sessionId;
        job.metadata = request.metadata();
        job.webhookUrl = request.webhookUrl();
        job.webhookSecret = request.webhookSecret();
        job.idempotencyKey = request.idempotencyKey();
        job.requestHash = request.idempotencyKey() == null ? null : request.requestHash();
        job.runAt = request.runAt();
        job.createdAt = DbTime.now();
        em.persist(job);
        em.flush();
        if (delayed) {
            em.createNativeQuery("INSERT INTO due_job (job_id, run_at) VALUES (?1, ?2)")
                    .setParameter(1, job.id).setParameter(2, job.runAt).executeUpdate();
            events.append(job.owner, job.sessionId, new SessionEvent.JobScheduled(job.id, job.runAt));
        } else {
            queued(job);
        }
        return job;
    }

    /**
     * Queues a delayed job whose time has come (its wake-up leaves after the commit); a job
     * already queued or cancelled is left alone, so every node may try.
     *
     * @return whether this call queued it
     */
    public boolean release(UUID jobId) {
        // due now, whatever became of it (a cancelled one is simply forgotten here)
        em.createNativeQuery("DELETE FROM due_job WHERE job_id = ?1").setParameter(1, jobId).executeUpdate();
        var prompt = prompts.release(jobId);
        prompt.ifPresent(p -> queued(em.find(Job.class, jobId)));
        return prompt.isPresent();
    }

    /** Counted under a per-user transaction lock, so concurrent submissions cannot overshoot. */
    private void refuseBeyondScheduledCap(String owner) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext('delayed-jobs:' || ?1))").setParameter(1, owner)
                .getSingleResult();
        var waiting = ((Number) em.createNativeQuery(
                        "SELECT count(*) FROM prompt WHERE owner = ?1 AND status = 'scheduled'")
                .setParameter(1, owner).getSingleResult()).longValue();
        if (waiting >= settings.maxScheduledPerUser) {
            throw new ApiException(ErrorCode.SCHEDULE_LIMIT_REACHED, "you already have " + waiting
                    + " delayed jobs waiting (rafiki.jobs.max-scheduled-per-user); cancel some or wait for them to run");
        }
    }

    private void queued(Job job) {
        events.append(job.owner, job.sessionId, new SessionEvent.JobQueued(job.id));
    }

    public Optional<Job> byIdempotencyKey(String owner, String key) {
        return em.createQuery("SELECT j FROM Job j WHERE j.owner = :owner AND j.idempotencyKey = :key", Job.class)
                .setParameter("owner", owner)
                .setParameter("key", key)
                .getResultStream().findFirst();
    }
}
