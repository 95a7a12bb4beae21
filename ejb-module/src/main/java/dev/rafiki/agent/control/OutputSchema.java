package dev.rafiki.agent.control;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Schema an answer must follow (structured output), checked with networknt's validator
 * (draft 2020-12 unless the schema's {@code $schema} names another draft).
 * <p>
 * A schema is checked against its meta-schema before it is accepted, and may only refer to
 * itself: a {@code $ref} that is not a fragment ({@code #…}) or a {@code $schema} that is not one
 * of the drafts the validator carries is refused, so that validating an answer never makes the
 * server fetch a URL or read a resource of its own class path.
 */
public final class OutputSchema {

    /** What an answer that does not follow the schema is refused with, on the prompt. */
    public static final String OUTPUT_INVALID = "output-invalid";

    /** Errors beyond this many are counted, not listed: the model needs the first ones to correct itself. */
    static final int MAX_ERRORS = 20;

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

    private final String text;
    private final JsonObject json;
    private final Schema schema;

    private OutputSchema(JsonObject json, Schema schema) {
        this.json = json;
        this.text = json.toString();
        this.schema = schema;
    }

    /** Thrown for a schema that cannot be used; the message says why. */
    public static final class InvalidSchema extends IllegalArgumentException {
        InvalidSchema(String message) {
            super(message);
        }
    }

    /** @throws InvalidSchema when the schema is not a valid JSON Schema, or refers outside itself */
    public static OutputSchema of(JsonObject json) {
        var dialect = SpecificationVersion.DRAFT_2020_12;
        if (json.get("$schema") instanceof JsonString declared) {
            dialect = SpecificationVersion.fromDialectId(declared.getString()).orElseThrow(() -> new InvalidSchema(
                    "'$schema' must name a JSON Schema draft (4, 6, 7, 2019-09 or 2020-12), e.g. "
                            + SpecificationVersion.DRAFT_2020_12.getDialectId()));
        } else if (json.containsKey("$schema")) {
            throw new InvalidSchema("'$schema' must be a string");
        }
        selfContained(json, "");
        var meta = REGISTRY.getSchema(SchemaLocation.of(dialect.getDialectId()));
        var problems = messages(meta.validate(json.toString(), InputFormat.JSON));
        if (!problems.isEmpty()) {
            throw new InvalidSchema("not a valid JSON Schema: " + String.join("; ", problems));
        }
        try {
            return new OutputSchema(json, REGISTRY.getSchema(json.toString(), InputFormat.JSON));
        } catch (RuntimeException e) {
            throw new InvalidSchema("not a usable JSON Schema: " + e.getMessage());
        }
    }

    /**
     * @return why the answer does not follow the schema, one line per error; empty when it does
     */
    public List<String> check(String answer) {
        if (answer == null || answer.isBlank()) {
            return List.of("the answer is empty; it must be a JSON value that follows the schema");
        }
        try {
            return messages(schema.validate(answer, InputFormat.JSON));
        } catch (RuntimeException e) {
            return List.of("the answer is not JSON: " + firstLine(e.getMessage()));
        }
    }

    public JsonObject json() {
        return json;
    }

    /** The schema as JSON text. */
    public String text() {
        return text;
    }

    private static List<String> messages(List<com.networknt.schema.Error> errors) {
        var lines = new ArrayList<String>();
        for (var error : errors) {
            if (lines.size() == MAX_ERRORS) {
                lines.add("… and " + (errors.size() - MAX_ERRORS) + " more");
                break;
            }
            lines.add(error.toString());
        }
        return lines;
    }

    private static void selfContained(JsonValue value, String at) {
        if (value instanceof JsonObject object) {
            for (var entry : object.entrySet()) {
                var key = entry.getKey();
                if (("$ref".equals(key) || "$dynamicRef".equals(key) || "$recursiveRef".equals(key))
                        && !(entry.getValue() instanceof JsonString ref && ref.getString().startsWith("#"))) {
                    throw new InvalidSchema("'" + at + "/" + key + "' must refer inside the schema (start with '#')");
                }
                if ("$schema".equals(key) && !at.isEmpty()) {
                    throw new InvalidSchema("'$schema' may only be given at the schema's top level");
                }
                selfContained(entry.getValue(), at + "/" + key);
            }
        } else if (value instanceof JsonStructure array) {
            int i = 0;
            for (var item : array.asJsonArray()) {
                selfContained(item, at + "/" + i++);
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
