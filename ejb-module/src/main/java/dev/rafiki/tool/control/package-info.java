/**
 * The tools a run may call, from two sources behind one dispatch ({@link dev.rafiki.tool.control.SessionTools}):
 * the built-in workspace tools, confined to the session's workspace (the shell fails closed
 * without a sandbox), and the tools of operator-registered MCP servers, named
 * {@code <server>.<tool>} (a dot appears in no built-in tool's name). Whatever a tool does, its
 * caller gets a {@link dev.rafiki.tool.control.ToolResult}: a failure, a timeout, a server gone
 * or a stopped prompt is a failed result, never an exception, and every wait is bounded.
 */
package dev.rafiki.tool.control;
