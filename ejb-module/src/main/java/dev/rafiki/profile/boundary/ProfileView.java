package dev.rafiki.profile.boundary;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One version of a profile as the API shows it. {@code versionCreatedAt} is when this version was
 * written; {@code deleted} only appears on an old version of a deleted profile; {@code mcpServers}
 * shows every header value redacted.
 */
@Schema(name = "AgentView")
public record ProfileView(@Schema(required = true) UUID id, @Schema(required = true) String name, @Schema(required = true) String owner,
                          boolean shared, int version, int latestVersion,
                          String instructions, String model, Double temperature, Integer maxTokens, List<String> tools,
                          @Schema(ref = "ApprovalRules") JsonObject approval, Limits limits, JsonObject outputSchema,
                          // the profile's servers as saved, header values redacted: the request's shape, written by hand
                          @Schema(type = SchemaType.ARRAY, ref = "AgentMcpServer", description = "header values shown as [redacted]")
                          jakarta.json.JsonArray mcpServers,
                          @Schema(required = true) Instant createdAt, Instant versionCreatedAt,
                          @Schema(description = "only on a version of a deleted profile") Boolean deleted) {

    /** Also the shape of a request's limits. */
    @Schema(name = "AgentLimits")
    public record Limits(@Schema(minimum = "1", description = "lowers rafiki.agent.max-steps, never raises it") Integer maxSteps,
                         @Schema(minimum = "1", description = "lowers rafiki.agent.max-seconds, never raises it") Integer maxSeconds,
                         @Schema(minimum = "1", description = "input plus output tokens of the whole prompt") Long maxTokens) {
    }
}
