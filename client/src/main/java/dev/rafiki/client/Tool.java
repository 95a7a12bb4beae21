package dev.rafiki.client;

import jakarta.json.JsonObject;

/** A tool an agent profile may name ({@code GET /tools}): built in, or an MCP server's ({@code server}). */
public record Tool(String name, String description, String source, String server, JsonObject parameters) {
}
