package dev.rafiki.agent.model;

import dev.rafiki.tool.control.ToolSpec;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * @param model        the provider's model name
 * @param system       system prompt, may be null
 * @param messages     the conversation so far, oldest first
 * @param tools        tools the model may call, may be empty
 * @param maxTokens    upper bound of output tokens for this turn
 * @param connectTimeout bound on connecting and receiving the response headers
 * @param idleTimeout  bound on the silence between two chunks of the stream (and on the first one)
 * @param temperature  sampling temperature, or null for the provider's default
 * @param outputSchema the JSON Schema the answer must follow (structured output), or null for free text
 */
public record ModelRequest(String model, String system, List<ChatMessage> messages, List<ToolSpec> tools,
                           int maxTokens, Duration connectTimeout, Duration idleTimeout, Double temperature,
                           JsonObject outputSchema) {

    /** What a provider names the answer when it asks for it as a tool's input or as a named format. */
    public static final String OUTPUT_NAME = "structured_output";

    /** Opens the follow-up that gives a model its answer's validation errors (the echo model knows it by this). */
    public static final String OUTPUT_FEEDBACK = "Your answer does not match the required JSON Schema";

    /**
     * Ends the system prompt when earlier messages were left out to fit the model's context window
     * (the echo model reads it back).
     */
    public static String omissionNote(int omitted) {
        return "[" + omitted + " earlier message" + (omitted == 1 ? "" : "s") + " of this conversation "
               + (omitted == 1 ? "was" : "were") + " omitted to fit the model's context window.]";
    }

    public ModelRequest(String model, String system, List<ChatMessage> messages, List<ToolSpec> tools,
                        int maxTokens, Duration connectTimeout, Duration idleTimeout, Double temperature) {
        this(model, system, messages, tools, maxTokens, connectTimeout, idleTimeout, temperature, null);
    }

    public ModelRequest(String model, String system, List<ChatMessage> messages, List<ToolSpec> tools,
                        int maxTokens, Duration connectTimeout, Duration idleTimeout) {
        this(model, system, messages, tools, maxTokens, connectTimeout, idleTimeout, null);
    }
}
