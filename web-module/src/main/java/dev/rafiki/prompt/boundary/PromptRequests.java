package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.agent.control.ApprovalRule;
import dev.rafiki.agent.control.ApprovalRules;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.profile.boundary.AgentProfiles;
import dev.rafiki.profile.control.ProfileSpec;
import dev.rafiki.tool.control.McpServerConfig;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Map;

/**
 * A prompt as a client asks for it, read the same way from a {@code POST /query} body, a
 * {@code /query_stream} prompt frame and (its output schema and approval rules) a {@code POST /submit} body.
 */
public final class PromptRequests {

    private PromptRequests() {
    }

    public static NewPrompt parse(String owner, JsonObject body, String idempotencyKey, int maxPromptLength) {
        var text = Bodies.string(body, "prompt", true, maxPromptLength);
        var sessionId = Bodies.reference(body, "session_id", "session");
        var busyText = Bodies.string(body, "busy", false, Integer.MAX_VALUE);
        var busy = BusyPolicy.parse(busyText);
        if (busy == null) {
            throw ApiException.invalid("'busy' must be one of enqueue, reject, interrupt");
        }
        idempotencyKey(idempotencyKey);
        var model = Bodies.string(body, "model", false, 200);
        // an agent profile for this prompt only, by id or name; the session's own applies without it
        var agent = Bodies.string(body, "agent", false, 100);
        var metadata = Bodies.metadata(body);
        return new NewPrompt(owner, sessionId, text, busy, idempotencyKey, model, agent, null, outputSchema(body),
                metadata == null ? null : metadata.toString(), approval(body));
    }

    /** The {@code Idempotency-Key} header, when given: 1 to 255 characters, like the column that keeps it. */
    public static String idempotencyKey(String key) {
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw ApiException.invalid("Idempotency-Key must be 1 to 255 characters");
        }
        return key;
    }

    /**
     * The request's own approval rules, checked now, as JSON text in the form they are stored (so
     * that equal rules fingerprint alike under an Idempotency-Key); null when none are given.
     * They are the profile's {@code approval}'s shape; they can only add waits to the profile's.
     */
    public static String approval(JsonObject body) {
        var value = body.get("approval");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonObject rules)) {
            throw ApiException.invalid("'approval' must be a JSON object: per tool, \"always\", \"never\", "
                    + "{\"if\": {…}} or {\"unless\": {…}}");
        }
        if (rules.isEmpty()) {
            return null;
        }
        try {
            return ApprovalRules.toJson(ApprovalRules.parse(rules, "approval", PromptRequests::tool)).toString();
        } catch (ApprovalRule.Invalid e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    /**
     * A built-in tool's name is checked here, so that a typo does not silently leave a call
     * unguarded; a {@code <server>.<tool>} may be on the profile's own servers, whose tools are only
     * listed once the prompt runs, so only its form is.
     */
    private static void tool(String name) {
        int dot = name.indexOf('.');
        boolean known = dot < 0 ? AgentProfiles.BUILT_IN_TOOLS.contains(name)
                : McpServerConfig.validName(name.substring(0, dot)) && ProfileSpec.MCP_TOOL.matcher(name.substring(dot + 1)).matches();
        if (!known) {
            var shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
            throw new ApiException(ErrorCode.UNKNOWN_TOOL, "'approval': no tool is called '" + shown + "'; the built-in "
                    + "tools are " + String.join(", ", new java.util.TreeSet<>(AgentProfiles.BUILT_IN_TOOLS))
                    + ", and MCP tools are named <server>.<tool>", Map.of("tool", shown));
        }
    }

    /**
     * The request's own schema for the answer, checked now (an invalid one is refused before
     * anything runs), as JSON text; null when not given. Its size is bounded by the request body's.
     */
    public static String outputSchema(JsonObject body) {
        var value = body.get("output_schema");
        if (value == null || value.getValueType() == jakarta.json.JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != jakarta.json.JsonValue.ValueType.OBJECT) {
            throw ApiException.invalid("'output_schema' must be a JSON object (a JSON Schema)");
        }
        dev.rafiki.profile.control.ProfileSpec.outputSchema(value.asJsonObject(), Integer.MAX_VALUE);
        return value.toString();
    }
}
