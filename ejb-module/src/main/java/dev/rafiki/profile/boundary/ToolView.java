package dev.rafiki.profile.boundary;

import jakarta.json.JsonObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A tool a profile's {@code tools} may name.
 *
 * @param source     {@code built-in} or {@code mcp}
 * @param server     the MCP server that offers it; null for a built-in tool
 * @param parameters the JSON Schema of its arguments
 */
public record ToolView(
        @Schema(required = true, description = "as a profile names it: read_file, or <server>.<tool> for an MCP tool") String name,
        String description,
        @Schema(required = true, enumeration = {"built-in", "mcp"}) String source,
        @Schema(description = "the MCP server; absent for a built-in tool") String server,
        @Schema(required = true, description = "the JSON Schema of its arguments") JsonObject parameters) {

    /** The list as the API shows it. */
    @Schema(name = "ToolList")
    public record Page(@Schema(required = true) java.util.List<ToolView> items) {
    }
}
