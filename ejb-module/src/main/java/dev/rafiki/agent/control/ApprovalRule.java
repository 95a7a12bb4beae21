package dev.rafiki.agent.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tool's approval rule: {@code "always"} (every call waits for a person), {@code "never"}
 * (none does, as without a rule), {@code {"if": {"<argument>": "<glob>", …}}} (a call waits when
 * every named argument matches its {@link PathGlob}) or {@code {"unless": {…}}} (a call waits
 * unless every named argument matches).
 * <p>
 * Fails closed: an argument that is missing, not a string, or has no normal form (absolute,
 * {@code ..}, backslash) counts as matching an {@code if} and as not matching an {@code unless},
 * so such a call waits either way. A typo in an argument's name therefore makes calls wait, never
 * lets them through.
 *
 * @param kind      which of the four
 * @param arguments for {@code if} and {@code unless}: per argument name, the glob; else empty
 */
public record ApprovalRule(Kind kind, Map<String, PathGlob> arguments) {

    public enum Kind {
        ALWAYS("always"), NEVER("never"), IF("if"), UNLESS("unless");

        final String wire;

        Kind(String wire) {
            this.wire = wire;
        }
    }

    public static final ApprovalRule ALWAYS = new ApprovalRule(Kind.ALWAYS, Map.of());
    public static final ApprovalRule NEVER = new ApprovalRule(Kind.NEVER, Map.of());

    static final int MAX_ARGUMENTS = 16;
    static final int MAX_ARGUMENT_NAME = 64;

    private static final String SHAPE = "\"always\", \"never\", {\"if\": {\"<argument>\": \"<glob>\"}} "
            + "or {\"unless\": {\"<argument>\": \"<glob>\"}}";

    /** A rule that cannot be accepted; the message names the field ({@code field} as given to {@link #parse}). */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    public ApprovalRule {
        arguments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /**
     * Reads one tool's rule.
     *
     * @param field how the rule is named in messages, e.g. {@code approval.write_file}
     * @throws Invalid naming the field and what a rule may be
     */
    public static ApprovalRule parse(JsonValue value, String field) {
        if (value instanceof JsonString text) {
            return switch (text.getString()) {
                case "always" -> ALWAYS;
                case "never" -> NEVER;
                default -> throw new Invalid("'" + field + "' must be " + SHAPE);
            };
        }
        if (!(value instanceof JsonObject rule)) {
            throw new Invalid("'" + field + "' must be " + SHAPE);
        }
        for (var key : rule.keySet()) {
            if (!key.equals(Kind.IF.wire) && !key.equals(Kind.UNLESS.wire)) {
                throw new Invalid("'" + field + "': unknown key '" + shortened(key) + "'; a rule is " + SHAPE);
            }
        }
        if (rule.size() != 1) {
            throw new Invalid("'" + field + "' must have exactly one of 'if' and 'unless'");
        }
        var kind = rule.containsKey(Kind.IF.wire) ? Kind.IF : Kind.UNLESS;
        var label = field + "." + kind.wire;
        if (!(rule.get(kind.wire) instanceof JsonObject conditions) || conditions.isEmpty()
                || conditions.size() > MAX_ARGUMENTS) {
            throw new Invalid("'" + label + "' must be an object of 1 to " + MAX_ARGUMENTS
                    + " argument names, each with a glob, e.g. {\"path\": \"drafts/**\"}");
        }
        var arguments = new LinkedHashMap<String, PathGlob>();
        for (var condition : conditions.entrySet()) {
            var name = condition.getKey();
            var argument = label + "." + shortened(name);
            if (name.isBlank() || name.length() > MAX_ARGUMENT_NAME) {
                throw new Invalid("'" + argument + "': an argument's name is 1 to " + MAX_ARGUMENT_NAME + " characters");
            }
            if (!(condition.getValue() instanceof JsonString glob)) {
                throw new Invalid("'" + argument + "' must be a glob string, e.g. \"drafts/**\"");
            }
            try {
                arguments.put(name, PathGlob.parse(glob.getString()));
            } catch (IllegalArgumentException e) {
                throw new Invalid("'" + argument + "' " + e.getMessage());
            }
        }
        return new ApprovalRule(kind, arguments);
    }

    /** Whether a call with these arguments (null: not a JSON object) waits for a person. */
    public boolean waits(JsonObject callArguments) {
        return switch (kind) {
            case ALWAYS -> true;
            case NEVER -> false;
            // an argument that cannot be judged counts as matching: the call waits
            case IF -> arguments.entrySet().stream().allMatch(a -> matches(callArguments, a.getKey(), a.getValue()) != Boolean.FALSE);
            // ... and as not matching: the call waits
            case UNLESS -> !arguments.entrySet().stream().allMatch(a -> matches(callArguments, a.getKey(), a.getValue()) == Boolean.TRUE);
        };
    }

    /** Whether the rule can make any call wait: all but {@code never}. */
    public boolean mayWait() {
        return kind != Kind.NEVER;
    }

    /** Whether the argument matches the glob; null when it cannot be judged (missing, not a string, no normal form). */
    private static Boolean matches(JsonObject callArguments, String name, PathGlob glob) {
        if (callArguments == null || !(callArguments.get(name) instanceof JsonString value)) {
            return null;
        }
        List<String> path = PathGlob.normalised(value.getString());
        return path == null ? null : glob.matches(path);
    }

    /** The rule as the API shows and stores it. */
    public JsonValue toJson() {
        if (arguments.isEmpty()) {
            return Json.createValue(kind.wire);
        }
        var conditions = Json.createObjectBuilder();
        arguments.forEach((name, glob) -> conditions.add(name, glob.toString()));
        return Json.createObjectBuilder().add(kind.wire, conditions).build();
    }

    private static String shortened(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
