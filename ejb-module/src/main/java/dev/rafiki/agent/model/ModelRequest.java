package dev.rafiki.agent.model;

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
 */
public record ModelRequest(String model, String system, List<ChatMessage> messages, List<ToolSpec> tools,
                           int maxTokens, Duration connectTimeout, Duration idleTimeout, Double temperature) {

    public ModelRequest(String model, String system, List<ChatMessage> messages, List<ToolSpec> tools,
                        int maxTokens, Duration connectTimeout, Duration idleTimeout) {
        this(model, system, messages, tools, maxTokens, connectTimeout, idleTimeout, null);
    }
}
