package dev.rafiki.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A session ({@code GET /session/{id}}). {@code status}: {@code idle}, {@code running} (also while
 * a prompt waits for an approval) or {@code stopped}.
 */
public record Session(UUID id, String title, String model, AgentUse agent, JsonObject metadata, String status,
                      UUID runningPromptId, long queueLength, long promptCount, long messageCount, Usage usage,
                      Instant createdAt, Instant updatedAt) {
}
