package dev.rafiki.agent.model;

/**
 * A call the model asked for.
 *
 * @param arguments the arguments object as JSON text, exactly as the model produced it
 */
public record ToolCall(String id, String name, String arguments) {
}
