package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.problem.ApiException;
import jakarta.json.JsonObject;

/**
 * A prompt as a client asks for it, read the same way from a {@code POST /query} body, a
 * {@code /query_stream} prompt frame and (its output schema) a {@code POST /submit} body.
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
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ApiException.invalid("Idempotency-Key must be 1 to 255 characters");
        }
        var model = Bodies.string(body, "model", false, 200);
        // an agent profile for this prompt only, by id or name; the session's own applies without it
        var agent = Bodies.string(body, "agent", false, 100);
        var metadata = Bodies.metadata(body);
        return new NewPrompt(owner, sessionId, text, busy, idempotencyKey, model, agent, null, outputSchema(body),
                metadata == null ? null : metadata.toString());
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
