package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.text.Fingerprint;
import dev.rafiki.profile.control.AgentPin;
import java.util.UUID;

/**
 * A validated request to run a prompt. {@code sessionId} null means "in a new session";
 * {@code agent} is the profile the client named (id or name), {@code pin} the version it resolved
 * to (null until resolved, and when no profile was named: the session's pin applies);
 * {@code outputSchema} the JSON Schema (as JSON text, validated) the answer must follow, which wins
 * over the profile's, or null; {@code metadata} the client's JSON object (as text, checked), kept on
 * the prompt only (a session the prompt creates does not take it, as with jobs), or null;
 * {@code approval} the request's own approval rules (a JSON object as text, validated, in the form
 * they are stored), which can only make more tool calls wait than the profile's, or null.
 */
public record NewPrompt(String owner, UUID sessionId, String prompt, BusyPolicy busy, String idempotencyKey, String model,
                        String agent, AgentPin pin, String outputSchema, String metadata, String approval) {

    public NewPrompt(String owner, UUID sessionId, String prompt, BusyPolicy busy, String idempotencyKey, String model) {
        this(owner, sessionId, prompt, busy, idempotencyKey, model, null, null, null, null, null);
    }

    public NewPrompt pinned(AgentPin pin) {
        return new NewPrompt(owner, sessionId, prompt, busy, idempotencyKey, model, agent, pin, outputSchema, metadata,
                approval);
    }

    /** The model the client asked for, else the named profile's; null: the session's. */
    public String effectiveModel() {
        return model != null ? model : pin != null ? pin.model() : null;
    }

    /** Fingerprint of what the client asked, to tell a retry from a different request under the same key. */
    public String requestHash() {
        // the parts added later only when given, so that hashes stored before they existed stay valid;
        // the profile's name as the client gave it: a retry after the profile changed is the same request
        return new Fingerprint(sessionId, busy.name(), prompt).optional("model", model).optional("agent", agent)
                .optional("output_schema", outputSchema).optional("metadata", metadata).optional("approval", approval).hex();
    }
}
