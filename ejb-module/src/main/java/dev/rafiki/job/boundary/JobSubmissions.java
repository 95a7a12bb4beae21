package dev.rafiki.job.boundary;

import dev.rafiki.job.boundary.JobViews.Submitted;
import dev.rafiki.job.control.JobSettings;
import dev.rafiki.profile.boundary.AgentProfiles;
import dev.rafiki.prompt.control.FastLane;
import dev.rafiki.prompt.control.PromptSnapshot;
import dev.rafiki.prompt.control.RunAdmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.CompletionException;

/**
 * Submitting a job, the call of every {@code POST /submit}. A CDI bean, not an EJB: it needs no
 * transaction (the fast lane writes through the group commit, the durable queue through
 * {@link Jobs#submitOnQueue}, which has its own), and the EJB container's interceptor chain was a
 * measurable part of the job row's CPU (JFR).
 */
@ApplicationScoped
public class JobSubmissions {

    @Inject
    Jobs jobs;

    @Inject
    JobIntake intake;

    @Inject
    JobReader reader;

    @Inject
    JobSettings settings;

    @Inject
    FastLane lane;

    @Inject
    AgentProfiles profiles;

    @Inject
    RunAdmission admission;

    /**
     * Accepts a job; once this returns, it is committed and will run. A job without a webhook for
     * an idle (or new) session takes the fast lane: accepted, and often run and finished, in one
     * group commit. With an idempotency key a retry returns the first job, even when both arrive
     * at once (the unique key decides).
     */
    public Submitted submit(NewJob asked) {
        var request = asked.agent() == null ? asked : asked.pinned(profiles.resolve(asked.owner(), asked.agent()));
        // a delayed job must not start now: only the durable path can hold it back
        boolean delayed = RunAt.bounded(request.runAt(), Instant.now(), settings.maxDelay) != null;
        // a delayed job may start in another window: its budget is asked when it starts
        var refusal = delayed ? null : admission.refusal(request.owner(), request.sessionId(),
                request.pin() == null ? null : request.pin().id());
        // a retry of a job accepted before the budget ran out is still answered with that job
        if (refusal != null && (request.idempotencyKey() == null
                || intake.byIdempotencyKey(request.owner(), request.idempotencyKey()).isEmpty())) {
            throw refusal;
        }
        if (request.webhookUrl() == null && !delayed) {
            var fast = lane.submit(new FastLane.Request(request.owner(), request.sessionId(), request.prompt(),
                    request.effectiveModel(), null, null, new FastLane.JobPart(request.metadata(), request.idempotencyKey(),
                    request.requestHash(), settings.maxAttempts), request.pin(), request.outputSchema(), request.metadata(),
                    request.approval()),
                    () -> jobs.submitDurably(request));
            if (fast.isPresent()) {
                PromptSnapshot accepted;
                try {
                    accepted = fast.get().accepted().join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
                if (fast.get().writtenHere() && !accepted.replayed()) {
                    // the lane wrote the job in the commit just made: its view is what it wrote, no read needed
                    return new Submitted(reader.written(request.owner(), request.metadata(), settings.maxAttempts, accepted),
                            false);
                }
                return new Submitted(reader.get(request.owner(), accepted.id()), accepted.replayed());
            }
        }
        return jobs.submitOnQueue(request);
    }
}
