package dev.rafiki.agent.model;

import java.util.List;

/**
 * One complete assistant turn.
 *
 * @param stopReason why the model stopped, normalised: {@code end}, {@code tool_calls}, {@code max_tokens}, or the
 *                   provider's own word when it is none of these
 */
public record ModelTurn(String text, List<ToolCall> toolCalls, String stopReason, long inputTokens, long outputTokens) {
}
