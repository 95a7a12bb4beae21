package dev.rafiki.prompt.control;

import java.time.Instant;
import java.util.UUID;

/**
 * Fired inside the transaction that gives a prompt its terminal status.
 *
 * @param status {@code completed}, {@code failed} or {@code cancelled}
 * @param startedAt null for a prompt cancelled before it ran
 */
public record PromptFinished(UUID promptId, UUID sessionId, String owner, String status, String errorCode,
                             String errorMessage, Instant startedAt, Instant finishedAt) {

    public static PromptFinished of(dev.rafiki.prompt.entity.Prompt prompt) {
        return new PromptFinished(prompt.id, prompt.sessionId, prompt.owner, prompt.status.wire(), prompt.errorCode,
                prompt.errorMessage, prompt.startedAt, prompt.finishedAt);
    }
}
