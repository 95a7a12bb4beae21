package dev.rafiki.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An agent profile, one version of it ({@code GET /agents/{id}}): instructions, model and its
 * parameters, the tools it may use, approval rules (per tool, {@code "always"}, {@code "never"}, or an
 * {@code {"if": …}} / {@code {"unless": …}} object on its arguments),
 * limits and an output schema.
 */
public record Agent(UUID id, String name, String owner, boolean shared, int version, int latestVersion,
                    String instructions, String model, Double temperature, Integer maxTokens, List<String> tools,
                    JsonObject approval, Limits limits, JsonObject outputSchema, Instant createdAt,
                    Instant versionCreatedAt, Boolean deleted) {

    public record Limits(Integer maxSteps, Integer maxSeconds, Long maxTokens) {
    }
}
