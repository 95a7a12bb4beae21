package dev.rafiki.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code GET /session/{id}/queue}: the running prompt and the queued ones, next first. */
public record SessionQueue(UUID sessionId, UUID runningPromptId, List<Entry> queued) {

    public record Entry(int position, UUID promptId, String prompt, Instant createdAt) {
    }
}
