package dev.rafiki.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A schedule ({@code GET /schedules/{id}}): a prompt submitted as a job at every tick of its
 * {@code cron} in its {@code timezone}. {@code status}: {@code active} or {@code paused};
 * {@code missed}: {@code skip} or {@code run_once}; {@code webhook.secret} only in the answer to
 * its creation.
 */
public record Schedule(UUID id, String status, String cron, String timezone, String prompt, String model,
                       UUID sessionId, Webhook webhook, JsonObject metadata, String missed, Instant nextRunAt,
                       Instant lastRunAt, String lastError, Instant createdAt, Instant updatedAt, Links links) {

    public record Webhook(String url, String secret) {
    }

    public record Links(String self, String runs, String pause, String resume) {
    }

    /** One run: the tick it stands for ({@code ticks} more than 1 when it caught up missed ones) and its job. */
    public record Run(Instant tickAt, int ticks, Job job) {
    }
}
