package dev.rafiki.prompt.control;

import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.prompt.entity.Prompt;
import java.util.List;
import java.time.Instant;
import java.util.UUID;

/**
 * A prompt as it was committed, whichever path wrote it.
 *
 * @param cursorBefore the session event cursor just before the prompt's first event, or -1 when unknown
 * @param replayed     an idempotent retry found this prompt instead of creating one
 * @param events       the prompt's first events as committed with it (all of them when it ran at once),
 *                     so a stream can start from them without reading the log; empty when not known
 * @param structured   the answer is JSON that followed the prompt's output schema
 * @param metadata     the client's metadata (JSON text) from the request that created it, or null
 */
public record PromptSnapshot(UUID id, UUID sessionId, long seq, String status, String content, String model,
                             String answer, String errorCode, String errorMessage, int attempts, int steps,
                             long inputTokens, long outputTokens, int toolCalls, long toolMillis, Instant createdAt,
                             Instant startedAt, Instant finishedAt, long cursorBefore, boolean replayed,
                             List<StoredEvent> events, UUID agentId, Integer agentVersion, boolean structured,
                             String metadata) {

    public static PromptSnapshot of(Prompt p, boolean replayed) {
        return new PromptSnapshot(p.id, p.sessionId, p.seq, p.status.wire(), p.content, p.model, p.answer, p.errorCode,
                p.errorMessage, p.attempts, p.steps, p.inputTokens, p.outputTokens, p.toolCalls, p.toolMillis,
                p.createdAt, p.startedAt, p.finishedAt, -1, replayed, List.of(), p.agentId, p.agentVersion, p.structured,
                p.metadata);
    }

    /** Waits for a person's decision on a tool call: not ended, but nothing happens until someone decides. */
    public boolean waiting() {
        return "waiting_approval".equals(status);
    }

    public boolean terminal() {
        return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    public PromptSnapshot replayed(boolean value) {
        return new PromptSnapshot(id, sessionId, seq, status, content, model, answer, errorCode, errorMessage, attempts,
                steps, inputTokens, outputTokens, toolCalls, toolMillis, createdAt, startedAt, finishedAt, cursorBefore,
                value, events, agentId, agentVersion, structured, metadata);
    }
}
