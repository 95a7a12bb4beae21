package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PromptMetricsTest {

    @Test
    void tokensAreLabelledByProviderNeverByModel() {
        assertEquals("echo", PromptMetrics.provider("echo"));
        assertEquals("echo", PromptMetrics.provider(null));
        assertEquals("openai", PromptMetrics.provider("openai/gpt-4o-mini"));
        assertEquals("ollama", PromptMetrics.provider("Ollama/llama3.2:8b"));
    }
}
