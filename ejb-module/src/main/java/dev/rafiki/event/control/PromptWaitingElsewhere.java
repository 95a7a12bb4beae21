package dev.rafiki.event.control;

import java.util.UUID;

/**
 * A CDI event: another node announced that a prompt waits for a person (a tool call to approve).
 * Whoever waits here for that prompt's answer is answered that it is still pending.
 */
public record PromptWaitingElsewhere(UUID promptId) {
}
