package dev.rafiki.job.boundary;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
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
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (var part : new String[] {String.valueOf(sessionId), prompt, String.valueOf(model),
                    String.valueOf(webhookUrl), String.valueOf(metadata), String.valueOf(runAt)}) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            // only when given, so that hashes stored before jobs could name a profile stay valid
            if (agent != null) {
                digest.update(("agent=" + agent).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            if (outputSchema != null) {
                digest.update(("output_schema=" + outputSchema).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            if (approval != null) {
                digest.update(("approval=" + approval).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
