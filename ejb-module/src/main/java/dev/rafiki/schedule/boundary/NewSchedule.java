package dev.rafiki.schedule.boundary;

import java.util.UUID;

/**
 * A schedule as the client described it (fields checked for type and size, not yet for meaning).
 * {@code sessionId} null: each run gets a new session; {@code metadata} is a JSON object as text.
 */
public record NewSchedule(String owner, String cron, String timezone, String prompt, String model, UUID sessionId,
                          String webhookUrl, String webhookSecret, String metadata, String missed) {
}
