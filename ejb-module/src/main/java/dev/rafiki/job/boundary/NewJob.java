package dev.rafiki.job.boundary;

import dev.rafiki.platform.text.Fingerprint;
import java.time.Instant;
import java.util.UUID;

/**
 * A validated job submission. {@code sessionId} null means "in a new session of its own";
 * {@code metadata} is the client's JSON object as text; {@code webhookSecret} was given by the
 * client or generated. {@code agent} is the profile the client named, {@code pin} what it resolved to.
 * {@code runAt} non-null: a delayed job, held as {@code scheduled} until then. {@code outputSchema}: the
 * JSON Schema (as JSON text, checked) the answer must follow, over the profile's; null for none.
 * {@code approval}: the request's own approval rules (JSON text, validated), on top of the profile's; null for none.
 */
public record NewJob(String owner, UUID sessionId, String prompt, String model, String webhookUrl,
                     String webhookSecret, String metadata, String idempotencyKey, String agent,
                     dev.rafiki.profile.control.AgentPin pin, Instant runAt, String outputSchema, String approval) {

    /** The same submission without a profile, a delay or an output schema. */
    public NewJob(String owner, UUID sessionId, String prompt, String model, String webhookUrl, String webhookSecret,
                  String metadata, String idempotencyKey) {
        this(owner, sessionId, prompt, model, webhookUrl, webhookSecret, metadata, idempotencyKey, null, null, null,
                null, null);
    }

    public NewJob pinned(dev.rafiki.profile.control.AgentPin pin) {
        return new NewJob(owner, sessionId, prompt, model, webhookUrl, webhookSecret, metadata, idempotencyKey, agent, pin,
                runAt, outputSchema, approval);
    }

    /** The model the client asked for, else the named profile's; null: the session's. */
    public String effectiveModel() {
        return model != null ? model : pin != null ? pin.model() : null;
    }

    /** Fingerprint of what the client asked, to tell a retry from another request under the same key. */
    public String requestHash() {
        // only when given, so that hashes stored before jobs could name a profile stay valid
        return new Fingerprint(sessionId, prompt, model, webhookUrl, metadata, runAt)
                .optional("agent", agent).optional("output_schema", outputSchema).optional("approval", approval).hex();
    }
}
