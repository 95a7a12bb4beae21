package dev.rafiki.client;

import jakarta.json.JsonArray;
import java.time.Instant;
import java.util.UUID;

/**
 * One message of a session's history. {@code role}: {@code user}, {@code assistant} or {@code
 * tool}; {@code toolCalls} on assistant turns that called tools; {@code toolCallId} and {@code
 * error} on tool results; {@code partial} for an answer cut short.
 */
public record Message(long id, UUID promptId, String role, String content, boolean partial, JsonArray toolCalls,
                      String toolCallId, Boolean error, Instant createdAt) {
}
