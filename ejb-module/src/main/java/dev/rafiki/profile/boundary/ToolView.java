package dev.rafiki.profile.boundary;

import jakarta.json.JsonObject;

/**
 * A tool a profile's {@code tools} may name.
 *
 * @param source     {@code built-in} or {@code mcp}
 * @param server     the MCP server that offers it; null for a built-in tool
 * @param parameters the JSON Schema of its arguments
 */
public record ToolView(String name, String description, String source, String server, JsonObject parameters) {

    /** The list as the API shows it. */
    public record Page(java.util.List<ToolView> items) {
    }
}
