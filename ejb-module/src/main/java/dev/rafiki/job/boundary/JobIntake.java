package dev.rafiki.job.boundary;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.EventTypes;
import dev.rafiki.job.entity.Job;
import dev.rafiki.prompt.boundary.BusyPolicy;
import dev.rafiki.prompt.boundary.NewPrompt;
import dev.rafiki.prompt.boundary.PromptIntake;
import dev.rafiki.prompt.entity.Prompt;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Optional;

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

    public Job accept(NewJob request, int maxAttempts) {
        Prompt prompt = prompts.accept(new NewPrompt(request.owner(), request.sessionId(), request.prompt(),
                BusyPolicy.ENQUEUE, null, request.model(), request.agent(), request.pin()));
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
        job.createdAt = Instant.now();
        em.persist(job);
        em.flush();
        events.append(job.owner, job.sessionId, job.id, EventTypes.JOB_QUEUED, Json.createObjectBuilder()
                .add("job_id", job.id.toString()).add("status", "queued").build());
        return job;
    }

    public Optional<Job> byIdempotencyKey(String owner, String key) {
        return em.createQuery("SELECT j FROM Job j WHERE j.owner = :owner AND j.idempotencyKey = :key", Job.class)
                .setParameter("owner", owner)
                .setParameter("key", key)
                .getResultStream().findFirst();
    }
}
