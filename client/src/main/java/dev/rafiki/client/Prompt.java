package dev.rafiki.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A prompt, as {@code POST /query} answers it and {@code GET /session/{id}/prompts/{p}} shows it.
 * {@code number}: its place in its session's order (1, 2, …), not an event cursor ({@link Event#seq()}); {@code status}: {@code queued}, {@code running}, {@code waiting_approval}, then {@code
 * completed}, {@code failed} or {@code cancelled}; {@code error} when it did not complete;
 * {@code output} the answer parsed when the prompt had an output schema; {@code resultUrl} while
 * it is still pending.
 */
public record Prompt(UUID id, UUID sessionId, long number, String status, String prompt, String model, AgentUse agent,
                     String answer, PromptError error, int attempts, int steps, Usage usage, Instant createdAt,
                     Instant startedAt, Instant finishedAt, JsonValue output, JsonObject metadata,
                     List<Approval> approvals, String resultUrl) {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    /** Completed, failed or cancelled: it will not change any more. */
    public boolean terminal() {
        return TERMINAL.contains(status);
    }

    public boolean completed() {
        return "completed".equals(status);
    }
}
