package dev.rafiki.client;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An agent profile, one version of it ({@code GET /agents/{id}}): instructions, model and its
 * parameters, the tools it may use, approval rules (per tool, {@code "always"}, {@code "never"}, or an
 * {@code {"if": …}} / {@code {"unless": …}} object on its arguments),
 * limits, an output schema and the profile's own MCP servers.
 */
public record Agent(UUID id, String name, String owner, boolean shared, int version, int latestVersion,
                    String instructions, String model, Double temperature, Integer maxTokens, List<String> tools,
                    JsonObject approval, Limits limits, JsonObject outputSchema, List<McpServer> mcpServers,
                    Instant createdAt, Instant versionCreatedAt, Boolean deleted) {

    public record Limits(Integer maxSteps, Integer maxSeconds, Long maxTokens) {
    }

    /**
     * An MCP server of the profile's own, whose tools it names as {@code <name>.<tool>}. {@code
     * transport}: {@code streamable-http} or {@code sse}. Every view shows each header's value as
     * {@code "[redacted]"}; a new version that sends that back keeps the stored value for the same
     * server at the same URL.
     */
    public record McpServer(String name, String url, String transport, Map<String, String> headers) {
    }
}
