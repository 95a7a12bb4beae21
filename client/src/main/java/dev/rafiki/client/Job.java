package dev.rafiki.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A background job ({@code GET /jobs/{id}}): its prompt with more to it, under the prompt's names.
 * {@code status}: {@code scheduled}, {@code queued}, {@code running}, {@code completed}, {@code
 * failed}, {@code cancelled}. {@code webhook.secret} only in the answer to the submission.
 */
public record Job(UUID id, String status, UUID sessionId, String prompt, String model, AgentUse agent,
                  Progress progress, String answer, JsonValue output, PromptError error, PromptError lastError,
                  Usage usage, int attempts, int maxAttempts, Instant deadLetteredAt, JsonObject metadata,
                  Instant runAt, Instant createdAt, Instant startedAt, Instant finishedAt, List<Artifact> artifacts,
                  Webhook webhook, Links links) {

    public boolean terminal() {
        return Prompt.TERMINAL.contains(status);
    }

    public boolean completed() {
        return "completed".equals(status);
    }

    public record Progress(Integer percent, String message, Instant updatedAt) {
    }

    public record Webhook(String url, String secret, List<Delivery> deliveries) {
    }

    /** One event's delivery to the webhook; {@code status} {@code pending}, {@code delivered} or {@code failed}. */
    public record Delivery(String messageId, String eventType, String status, int attempts, Instant nextAttemptAt,
                           Instant deliveredAt, List<Attempt> log) {
    }

    public record Attempt(int attempt, Instant startedAt, long durationMs, Integer statusCode, String error) {
    }

    public record Links(String self, String artifacts, String events, String cancel) {
    }
}
