package dev.rafiki.prompt.control;

import java.util.UUID;

/** Fired inside the transaction that starts (or restarts) an attempt of a prompt. */
public record PromptStarted(UUID promptId, UUID sessionId, String owner, int attempt) {
}
