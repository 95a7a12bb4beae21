package dev.rafiki.tool.control;

/**
 * A tool offered to the model.
 *
 * @param parametersSchema JSON Schema of the arguments object, as JSON text
 */
public record ToolSpec(String name, String description, String parametersSchema) {
}
