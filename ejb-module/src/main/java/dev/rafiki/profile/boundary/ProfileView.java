package dev.rafiki.profile.boundary;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One version of a profile as the API shows it. {@code versionCreatedAt} is when this version was
 * written; {@code deleted} only appears on an old version of a deleted profile; {@code mcpServers}
 * shows every header value redacted.
 */
public record ProfileView(UUID id, String name, String owner, boolean shared, int version, int latestVersion,
                          String instructions, String model, Double temperature, Integer maxTokens, List<String> tools,
                          JsonObject approval, Limits limits, JsonObject outputSchema,
                          jakarta.json.JsonArray mcpServers, Instant createdAt,
                          Instant versionCreatedAt, Boolean deleted) {

    public record Limits(Integer maxSteps, Integer maxSeconds, Long maxTokens) {
    }
}
