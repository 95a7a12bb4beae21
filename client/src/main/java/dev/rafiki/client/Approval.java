package dev.rafiki.client;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.UUID;

/**
 * A tool call that waited for a person. {@code status}: {@code pending}, {@code approved},
 * {@code denied}, {@code expired} or {@code cancelled}; {@code decision} ({@code approve},
 * {@code deny}) once decided.
 */
public record Approval(UUID promptId, UUID sessionId, String toolCallId, String tool, JsonValue arguments,
                       String status, String decision, String reason, JsonValue decidedArguments, String decidedBy,
                       Instant requestedAt, Instant expiresAt, Instant decidedAt) {
}
