package dev.rafiki.job.control;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.job.boundary.JobReader;
import dev.rafiki.job.entity.Job;
import dev.rafiki.platform.db.DbTime;
import dev.rafiki.platform.json.ApiJson;
import dev.rafiki.prompt.control.PromptFinished;
import dev.rafiki.prompt.control.PromptStarted;
import dev.rafiki.prompt.control.Retries;
import dev.rafiki.prompt.entity.Prompt;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.UUID;

/**
 * What a job adds to its prompt's life, in the very transactions that start and end the prompt:
 * job events, the webhook outbox row, and the dead-letter message of a job whose attempts ran
 * out. So each happens exactly when the change it reports was committed, and only once.
 */
@ApplicationScoped
public class JobLifecycle {

    /** After the prompt's own events (default priority), so a job's events follow its prompt's. */
    private static final int AFTER_PROMPT_EVENTS = Interceptor.Priority.APPLICATION + 600;

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    EventLog events;

    @Inject
    JobReader reader;

    @Inject
    WebhookOutbox outbox;

    @Inject
    DeadLetters deadLetters;

    @Inject
    WebhookSender sender;

    @Inject
    Event<JobEnded> ended;

    @Inject
    JobSettings settings;

    /** Fired when a job with a webhook ended, to deliver once that is committed. */
    public record JobEnded(UUID jobId) {
    }

    void onStarted(@Observes @Priority(AFTER_PROMPT_EVENTS) PromptStarted started) {
        if (em.find(Job.class, started.promptId()) == null) {
            return;
        }
        events.append(started.owner(), started.sessionId(), new SessionEvent.JobStarted(started.promptId(),
                started.attempt()));
    }

    void onFinished(@Observes @Priority(AFTER_PROMPT_EVENTS) PromptFinished finished) {
        var job = em.find(Job.class, finished.promptId());
        if (job == null) {
            return;
        }
        var prompt = em.find(Prompt.class, finished.promptId());
        if ("failed".equals(finished.status())
                && (Retries.retryable(finished.errorCode()) || "too-many-attempts".equals(finished.errorCode()))) {
            // a failure another attempt might have cured (or a run that kept dying), and no attempt
            // is left: park it where operators look
            job.deadLetteredAt = DbTime.now();
            deadLetters.park(Json.createObjectBuilder().add("job_id", job.id.toString()).add("owner", job.owner)
                    .add("session_id", job.sessionId.toString()).add("attempts", prompt.attempts)
                    .add("error", Json.createObjectBuilder().add("code", finished.errorCode())
                            .add("message", finished.errorMessage() == null ? "" : finished.errorMessage()))
                    .add("dead_lettered_at", job.deadLetteredAt.toString()).build());
        }
        var event = new SessionEvent.JobEnded(job.id, SessionEvent.Ending.of(finished.status()), prompt.attempts,
                job.deadLetteredAt != null, SessionEvent.Problem.of(finished.errorCode(), finished.errorMessage()));
        var type = event.type();
        events.append(job.owner, job.sessionId, event);
        if (job.webhookUrl != null) {
            // the whole view (artifacts included) only for the one who asked to be told
            var view = reader.view(job, prompt, settings.maxAttempts, false);
            var payload = Json.createObjectBuilder().add("type", type).add("timestamp", Instant.now().toString())
                    .add("data", Json.createReader(new java.io.StringReader(ApiJson.JSONB.toJson(view))).readObject())
                    .build();
            outbox.enqueue(job.id, type, payload.toString());
            ended.fire(new JobEnded(job.id));
        }
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobEnded ended) {
        sender.kick();
    }
}
