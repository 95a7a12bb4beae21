package dev.rafiki.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * A session ({@code GET /session/{id}}). {@code status}: {@code idle}, {@code running} (also while
 * a prompt waits for an approval) or {@code stopped}. {@code forkedFrom}: the session and message a
 * fork was made from ({@link Sessions#fork(UUID, ForkRequest)}), null for any other session.
 */
public record Session(UUID id, String title, String model, AgentUse agent, JsonObject metadata, String status,
                      UUID runningPromptId, long queueLength, long promptCount, long messageCount, Usage usage,
                      Instant createdAt, Instant updatedAt, ForkedFrom forkedFrom) {

    /** Where a fork came from: its source session and the last message it copied. */
    public record ForkedFrom(UUID sessionId, long messageId) {
    }
}
