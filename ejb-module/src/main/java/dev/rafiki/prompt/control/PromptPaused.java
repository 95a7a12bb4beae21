package dev.rafiki.prompt.control;

import java.util.UUID;

/** Fired inside the transaction that makes a prompt wait for a person's decision on a tool call. */
public record PromptPaused(UUID promptId, UUID sessionId, String owner) {
}
