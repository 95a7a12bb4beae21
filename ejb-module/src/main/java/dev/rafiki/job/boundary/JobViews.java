package dev.rafiki.job.boundary;

import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
    @Schema(description = "a job is its prompt with more to it: the same id, the prompt's status words, answer and output in the same place")
    public record JobView(@Schema(required = true, description = "also its prompt's id") UUID id,
                          @Schema(required = true, enumeration = {"scheduled", "queued", "running", "waiting_approval", "completed", "failed", "cancelled"})
                          String status,
                          @Schema(required = true) UUID sessionId, String prompt, String model,
                          dev.rafiki.session.boundary.Views.AgentUse agent, Progress progress,
                          @Schema(description = "once completed") String answer,
                          @Schema(description = "the answer parsed, when the job had an output schema") jakarta.json.JsonValue output,
                          ErrorView error,
                          @Schema(description = "while the job waits for another attempt: why the previous one failed") ErrorView lastError,
                          @Schema(required = true) Usage usage,
                          int attempts, int maxAttempts, Instant deadLetteredAt, JsonObject metadata,
                          @Schema(description = "a delayed job: when it becomes due") Instant runAt,
                          @Schema(required = true) Instant createdAt, Instant startedAt, Instant finishedAt, List<ArtifactView> artifacts,
                          WebhookView webhook, @Schema(required = true) Links links) {

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

    public record Progress(@Schema(minimum = "0", maximum = "100") Integer percent, String message, Instant updatedAt) {
    }

    public record ArtifactView(@Schema(required = true) String name, long size, @Schema(required = true) String contentType,
                               @Schema(required = true, description = "hex; also the ETag") String sha256,
                               @Schema(required = true) String url, String toolCallId, Long eventSeq,
                               @Schema(required = true) Instant createdAt) {
    }

    @Schema(name = "JobWebhook")
    public record WebhookView(@Schema(required = true) String url,
                              @Schema(description = "only in the answer to the submission that created the job") String secret,
                              List<DeliveryView> deliveries) {
    }

    @Schema(name = "WebhookDelivery")
    public record DeliveryView(@Schema(description = "the webhook-id header, the same for every retry") String messageId,
                               @Schema(example = "job.completed") String eventType,
                               @Schema(enumeration = {"pending", "delivered", "failed"}) String status,
                               int attempts, Instant nextAttemptAt, Instant deliveredAt, List<AttemptView> log) {
    }

    @Schema(name = "WebhookAttempt")
    public record AttemptView(int attempt, Instant startedAt, long durationMs, Integer statusCode, String error) {
    }

    @Schema(name = "JobLinks")
    public record Links(String self, String artifacts, String events, String cancel) {
        static Links of(UUID id) {
            return new Links("/jobs/" + id, "/jobs/" + id + "/artifacts", "/events?job_id=" + id,
                    "/jobs/" + id + "/cancel");
        }
    }

    public record JobPage(@Schema(required = true) List<JobView> items,
                          @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }

    /** The answer to a submission; {@code replayed} when an idempotent retry found its first job. */
    public record Submitted(JobView job, boolean replayed) {
    }
}
