package dev.rafiki.tool.control;

import java.util.function.BooleanSupplier;

/**
 * Runs a session's tool calls by name, whichever source the tool comes from: the built-in
 * workspace tools, or an MCP server's ({@code <server>.<tool>}).
 */
@FunctionalInterface
public interface SessionTools {

    ToolResult call(String name, String arguments, BooleanSupplier cancelled);
}
