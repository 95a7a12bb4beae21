package dev.rafiki.agent.control;

import dev.rafiki.agent.model.ToolCall;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonConfig;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Which tool calls wait for a person's decision: per tool name, an {@link ApprovalRule} from an
 * agent profile's {@code approval} and, for one prompt, from its request's. A call waits when
 * either set says so: a request can make more calls wait, never fewer, so a shared profile's rules
 * hold whatever a request says. A tool the profile does not allow is never asked about: it is
 * refused without running anyway.
 */
public final class ApprovalRules implements AgentLoop.Approvals {

    public static final ApprovalRules NONE = new ApprovalRules(List.of(), tool -> true);

    /** The profile's rules and the request's, each per tool name. */
    private final List<Map<String, ApprovalRule>> sets;
    private final Predicate<String> allowed;

    private ApprovalRules(List<Map<String, ApprovalRule>> sets, Predicate<String> allowed) {
        this.sets = sets;
        this.allowed = allowed;
    }

    /**
     * @param profile the profile's rules per tool name; null or empty: none
     * @param request the request's rules per tool name; null or empty: none
     * @param allowed whether the profile lets the model call a tool at all
     */
    public static ApprovalRules of(Map<String, ApprovalRule> profile, Map<String, ApprovalRule> request,
                                   Predicate<String> allowed) {
        var sets = java.util.stream.Stream.of(profile, request).filter(set -> set != null && !set.isEmpty())
                .map(Map::copyOf).toList();
        return sets.isEmpty() ? NONE : new ApprovalRules(sets, allowed);
    }

    public static ApprovalRules of(Map<String, ApprovalRule> rules, Predicate<String> allowed) {
        return of(rules, null, allowed);
    }

    @Override
    public boolean required(ToolCall call) {
        if (!allowed.test(call.name())) {
            return false;
        }
        var rules = sets.stream().map(set -> set.get(call.name())).filter(java.util.Objects::nonNull).toList();
        if (rules.isEmpty()) {
            return false;
        }
        var arguments = arguments(call.arguments());
        return rules.stream().anyMatch(rule -> rule.waits(arguments));
    }

    /** Whether any call at all may wait: a run that can never wait needs none of the machinery. */
    public boolean any() {
        return sets.stream().anyMatch(set -> set.values().stream().anyMatch(ApprovalRule::mayWait));
    }

    /**
     * Reads an {@code approval} object: per tool name, a rule.
     *
     * @param field     how the object is named in messages ({@code approval})
     * @param checkTool refuses a tool name that may not have a rule (throws)
     * @throws ApprovalRule.Invalid for a rule that is not one
     */
    public static Map<String, ApprovalRule> parse(JsonObject rules, String field, Consumer<String> checkTool) {
        var parsed = new LinkedHashMap<String, ApprovalRule>();
        for (var entry : rules.entrySet()) {
            checkTool.accept(entry.getKey());
            var tool = entry.getKey().length() > 64 ? entry.getKey().substring(0, 64) + "…" : entry.getKey();
            parsed.put(entry.getKey(), ApprovalRule.parse(entry.getValue(), field + "." + tool));
        }
        return Collections.unmodifiableMap(parsed);
    }

    /** Rules this application wrote (JSON text), read back; null or blank: none. */
    public static Map<String, ApprovalRule> stored(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try (var reader = Json.createReader(new StringReader(text))) {
            return parse(reader.readObject(), "approval", tool -> { });
        }
    }

    /** The rules as the API shows and stores them, in the order given. */
    public static JsonObject toJson(Map<String, ApprovalRule> rules) {
        var json = Json.createObjectBuilder();
        rules.forEach((tool, rule) -> json.add(tool, rule.toJson()));
        return json.build();
    }

    /**
     * Duplicate names are refused: a tool (an MCP server's, in another language) may read the first
     * where this reads the last, and the rule would judge a value the tool never uses.
     */
    private static final JsonReaderFactory STRICT = Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    /** A call's arguments as an object; null when the model produced something else, which no rule can vouch for. */
    private static JsonObject arguments(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try (var reader = STRICT.createReader(new StringReader(text))) {
            return reader.readValue() instanceof JsonObject object ? object : null;
        } catch (JsonException e) {
            return null;
        }
    }
}
