package dev.rafiki.agent.model;

import java.util.List;

/**
 * One message of the conversation in a provider-neutral form.
 * <ul>
 * <li>{@code USER}: {@code content}</li>
 * <li>{@code ASSISTANT}: {@code content} (may be empty) and the {@code toolCalls} it made</li>
 * <li>{@code TOOL}: the result ({@code content}) of the call {@code toolCallId}; {@code isError} when the tool failed</li>
 * </ul>
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId, boolean isError) {

    public enum Role { USER, ASSISTANT, TOOL }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content, List.of(), null, false);
    }

    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content, List.copyOf(toolCalls), null, false);
    }

    public static ChatMessage toolResult(String toolCallId, String content, boolean isError) {
        return new ChatMessage(Role.TOOL, content, List.of(), toolCallId, isError);
    }
}
