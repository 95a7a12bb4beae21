package dev.rafiki.event.control;

import java.util.UUID;

/**
 * A CDI event: another node announced a prompt's terminal event. The prompt feature stops the
 * prompt here if it still runs and answers whoever waits for it here.
 */
public record PromptEndedElsewhere(UUID promptId) {
}
