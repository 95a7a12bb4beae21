package dev.rafiki.job.boundary;

import dev.rafiki.job.control.JobSettings;
import dev.rafiki.prompt.control.PromptSnapshot;
import dev.rafiki.job.boundary.JobViews.JobPage;
import dev.rafiki.job.boundary.JobViews.JobView;
import dev.rafiki.job.boundary.JobViews.Submitted;
import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.job.entity.Job;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.boundary.Prompts;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Submitting, reading and cancelling jobs, and finding their artifacts. */
@Stateless
public class Jobs {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    JobIntake intake;

    @Inject
    JobReader reader;

    @Inject
    Prompts prompts;

    @Inject
    ArtifactStore artifacts;

    @Inject
    JobSettings settings;

    /**
     * Accepts a job on the durable queue (a delayed job, one with a webhook, or one the fast lane
     * did not take); once this returns, it is committed and will run. With an idempotency key a
     * retry returns the first job, even when both arrive at once (the unique key decides).
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Submitted submitOnQueue(NewJob request) {
        return durably(request);
    }

    /** The durable queue's way, as the lane's fallback: the job's prompt as committed. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public PromptSnapshot submitDurably(NewJob request) {
        var submitted = durably(request);
        return PromptSnapshot.of(em.find(Prompt.class, submitted.job().id()), submitted.replayed());
    }

    private Submitted durably(NewJob request) {
        if (request.idempotencyKey() != null) {
            var existing = intake.byIdempotencyKey(request.owner(), request.idempotencyKey());
            if (existing.isPresent()) {
                return replay(existing.get(), request);
            }
        }
        try {
            var job = intake.accept(request, settings.maxAttempts);
            var view = get(request.owner(), job.id);
            return new Submitted(withSecret(view, job.webhookSecret), false);
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

    /**
     * Accepts a job on the durable queue inside the caller's transaction (a schedule's tick): the
     * job commits, and its wake-up leaves, only with whatever the caller records beside it.
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public UUID acceptWithin(NewJob request) {
        return intake.accept(request, settings.maxAttempts).id;
    }

    /** Read-only, so outside a transaction; in a transaction, this bean's own methods read with {@link #current}. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public JobView get(String owner, UUID jobId) {
        return reader.get(owner, jobId);
    }

    /** The job as this transaction sees it, its own changes included. */
    private JobView current(String owner, UUID jobId) {
        var rows = em.createQuery("SELECT j, p FROM Job j, Prompt p WHERE j.id = :id AND p.id = j.id", Object[].class)
                .setParameter("id", jobId)
                .getResultList();
        if (rows.isEmpty() || !((Job) rows.get(0)[0]).owner.equals(owner)) {
            throw ApiException.notFound("job " + jobId);
        }
        return reader.view((Job) rows.get(0)[0], (Prompt) rows.get(0)[1], settings.maxAttempts, true);
    }

    /** The caller's jobs, newest (or oldest) first. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public JobPage list(String owner, List<PromptStatus> statuses, UUID after, boolean newestFirst, int limit) {
        var query = new StringBuilder("SELECT j, p FROM Job j, Prompt p WHERE p.id = j.id AND j.owner = :owner");
        if (!statuses.isEmpty()) {
            query.append(" AND p.status IN :statuses");
        }
        Job cursor = null;
        if (after != null) {
            cursor = owned(owner, after);
            query.append(newestFirst ? " AND (j.createdAt < :at OR (j.createdAt = :at AND j.id < :id))"
                    : " AND (j.createdAt > :at OR (j.createdAt = :at AND j.id > :id))");
        }
        query.append(newestFirst ? " ORDER BY j.createdAt DESC, j.id DESC" : " ORDER BY j.createdAt, j.id");
        var q = em.createQuery(query.toString(), Object[].class).setParameter("owner", owner);
        if (!statuses.isEmpty()) {
            q.setParameter("statuses", statuses);
        }
        if (cursor != null) {
            q.setParameter("at", cursor.createdAt).setParameter("id", cursor.id);
        }
        var rows = q.setMaxResults(limit + 1).getResultList();
        var items = rows.stream().limit(limit).map(r -> reader.view((Job) r[0], (Prompt) r[1], settings.maxAttempts, false)).toList();
        return new JobPage(items, rows.size() > limit ? items.get(items.size() - 1).id().toString() : null);
    }

    /** Stops the job's work (model call and tool process) or takes it off the queue; repeating it is harmless. */
    public JobView cancel(String owner, UUID jobId) {
        owned(owner, jobId);
        prompts.cancel(owner, jobId);
        return current(owner, jobId);
    }

    /** A page of the job's artifacts by name (or backwards); one more than {@code limit} says another page follows. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<JobViews.ArtifactView> artifacts(String owner, UUID jobId, String afterName, boolean descending, int limit) {
        return reader.artifacts(owned(owner, jobId).id, afterName, descending, limit);
    }

    public Optional<ArtifactStore.Meta> artifact(String owner, UUID jobId, String name) {
        owned(owner, jobId);
        return artifacts.find(jobId, name);
    }

    /** Who submitted the job, for an administrator's reads. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<String> ownerOf(UUID jobId) {
        return Optional.ofNullable(em.find(Job.class, jobId)).map(job -> job.owner);
    }

    /** The session a job runs in, for subscriptions to the job. */
    public UUID sessionOf(String owner, UUID jobId) {
        return owned(owner, jobId).sessionId;
    }

    private Job owned(String owner, UUID jobId) {
        var job = em.find(Job.class, jobId);
        if (job == null || !job.owner.equals(owner)) {
            throw ApiException.notFound("job " + jobId);
        }
        return job;
    }

    private Submitted replay(Job existing, NewJob request) {
        if (!request.requestHash().equals(existing.requestHash)) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "Idempotency-Key '" + request.idempotencyKey() + "' was already used for a different request");
        }
        // the same caller asked for the same job: it may see the secret it was (or would have been) given
        return new Submitted(withSecret(get(request.owner(), existing.id), existing.webhookSecret), true);
    }

    private static JobView withSecret(JobView view, String secret) {
        return view.withSecret(secret);
    }

}
