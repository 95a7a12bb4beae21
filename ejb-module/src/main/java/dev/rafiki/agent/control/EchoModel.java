package dev.rafiki.agent.control;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The built-in offline model: answers {@code "echo: " + prompt}. It needs no network, so every
 * feature can be tried and tested without a model service.
 */
@ApplicationScoped
public class EchoModel {

    public static final String NAME = "echo";

    public Completion complete(String prompt) {
        var answer = "echo: " + prompt;
        return new Completion(answer, tokens(prompt), tokens(answer));
    }

    /** A crude but deterministic token count: whitespace-separated words. */
    static long tokens(String text) {
        var trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    public record Completion(String text, long inputTokens, long outputTokens) {
    }
}
