package dev.rafiki.tool.control;

/** What a tool returns to the model; {@code error} results are reported to it as failures. */
public record ToolResult(String content, boolean error) {

    public static ToolResult ok(String content) {
        return new ToolResult(content, false);
    }

    public static ToolResult failed(String content) {
        return new ToolResult(content, true);
    }
}
