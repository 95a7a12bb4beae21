package dev.rafiki.job.boundary;

import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The read models of jobs, as the API (and the webhooks) show them. */
public final class JobViews {

    private JobViews() {
    }

    /**
     * A job is its prompt with more to it, so it shows the prompt's members under the prompt's
     * names ({@code id}, {@code status} in the prompt's words, {@code answer} and {@code output} at the top).
     *
     * @param output    the answer parsed, when the job's prompt had an output schema
     * @param lastError while a job waits for another attempt: why the previous one failed
     * @param webhook   its secret only in the answer to the submission that created the job
     */
    public record JobView(UUID id, String status, UUID sessionId, String prompt, String model,
                          dev.rafiki.session.boundary.Views.AgentUse agent, Progress progress,
                          String answer, jakarta.json.JsonValue output, ErrorView error, ErrorView lastError, Usage usage,
                          int attempts, int maxAttempts, Instant deadLetteredAt, JsonObject metadata, Instant runAt,
                          Instant createdAt, Instant startedAt, Instant finishedAt, List<ArtifactView> artifacts,
                          WebhookView webhook, Links links) {

        /** The same view with the webhook secret, for the one who created the job. */
        public JobView withSecret(String secret) {
            if (webhook == null) {
                return this;
            }
            return new JobView(id, status, sessionId, prompt, model, agent, progress, answer, output, error, lastError,
                    usage, attempts, maxAttempts, deadLetteredAt, metadata, runAt, createdAt, startedAt, finishedAt,
                    artifacts, new WebhookView(webhook.url(), secret, webhook.deliveries()), links);
        }
    }

    public record Progress(Integer percent, String message, Instant updatedAt) {
    }

    public record ArtifactView(String name, long size, String contentType, String sha256, String url,
                               String toolCallId, Long eventSeq, Instant createdAt) {
    }

    public record WebhookView(String url, String secret, List<DeliveryView> deliveries) {
    }

    public record DeliveryView(String messageId, String eventType, String status, int attempts, Instant nextAttemptAt,
                               Instant deliveredAt, List<AttemptView> log) {
    }

    public record AttemptView(int attempt, Instant startedAt, long durationMs, Integer statusCode, String error) {
    }

    public record Links(String self, String artifacts, String events, String cancel) {
        static Links of(UUID id) {
            return new Links("/jobs/" + id, "/jobs/" + id + "/artifacts", "/events?job_id=" + id,
                    "/jobs/" + id + "/cancel");
        }
    }

    public record JobPage(List<JobView> items, String nextCursor) {
    }

    /** The answer to a submission; {@code replayed} when an idempotent retry found its first job. */
    public record Submitted(JobView job, boolean replayed) {
    }
}
