package dev.rafiki.prompt.control;

import java.util.UUID;

/** Fired inside the transaction that gives a prompt its terminal status. */
public record PromptFinished(UUID promptId, UUID sessionId) {
}
