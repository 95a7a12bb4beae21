package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * A prompt to run ({@code POST /query}). Build with {@link #of(String)} and the {@code with…}
 * methods. Without an {@code idempotencyKey} the client makes one per call, and sends the same
 * one on every retry of that call: the prompt runs once however often the call is tried.
 */
public record QueryRequest(String prompt, UUID sessionId, String model, String agent, Busy busy,
                           JsonObject outputSchema, JsonObject metadata, JsonObject approval, String idempotencyKey) {

    public QueryRequest {
        if (prompt == null) {
            throw new IllegalArgumentException("a prompt is required");
        }
    }

    public static QueryRequest of(String prompt) {
        return new QueryRequest(prompt, null, null, null, null, null, null, null, null);
    }

    /** Run it in this session (without one, the server creates a session). */
    public QueryRequest inSession(UUID session) {
        return new QueryRequest(prompt, session, model, agent, busy, outputSchema, metadata, approval, idempotencyKey);
    }

    public QueryRequest withModel(String name) {
        return new QueryRequest(prompt, sessionId, name, agent, busy, outputSchema, metadata, approval, idempotencyKey);
    }

    /** An agent profile (id or name) for this prompt. */
    public QueryRequest withAgent(String profile) {
        return new QueryRequest(prompt, sessionId, model, profile, busy, outputSchema, metadata, approval, idempotencyKey);
    }

    public QueryRequest withBusy(Busy policy) {
        return new QueryRequest(prompt, sessionId, model, agent, policy, outputSchema, metadata, approval, idempotencyKey);
    }

    /** A JSON Schema the answer must follow; the answer's parsed JSON is then {@link Prompt#output()}. */
    public QueryRequest withOutputSchema(JsonObject schema) {
        return new QueryRequest(prompt, sessionId, model, agent, busy, schema, metadata, approval, idempotencyKey);
    }

    public QueryRequest withMetadata(JsonObject value) {
        return new QueryRequest(prompt, sessionId, model, agent, busy, outputSchema, value, approval, idempotencyKey);
    }

    /**
     * Approval rules for this prompt on top of its profile's, e.g. {@code {"write_file": {"unless":
     * {"path": "drafts/**"}}}}: a call waits if either says so; a request cannot loosen a profile's.
     */
    public QueryRequest withApproval(JsonObject rules) {
        return new QueryRequest(prompt, sessionId, model, agent, busy, outputSchema, metadata, rules, idempotencyKey);
    }

    /** Your own key (1 to 255 characters), to make a retry across processes run the prompt once. */
    public QueryRequest withIdempotencyKey(String key) {
        return new QueryRequest(prompt, sessionId, model, agent, busy, outputSchema, metadata, approval, key);
    }

    JsonObject toJson() {
        var json = Json.createObjectBuilder().add("prompt", prompt);
        JsonMembers.optional(json, "session_id", sessionId);
        JsonMembers.optional(json, "model", model);
        JsonMembers.optional(json, "agent", agent);
        JsonMembers.optional(json, "busy", busy == null ? null : busy.wire());
        JsonMembers.optional(json, "output_schema", outputSchema);
        JsonMembers.optional(json, "metadata", metadata);
        JsonMembers.optional(json, "approval", approval);
        return json.build();
    }
}
