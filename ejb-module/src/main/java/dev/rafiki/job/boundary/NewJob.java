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
 * client or generated. {@code runAt} non-null: a delayed job, held as {@code scheduled} until then.
 */
public record NewJob(String owner, UUID sessionId, String prompt, String model, String webhookUrl,
                     String webhookSecret, String metadata, String idempotencyKey, Instant runAt) {

    /** The same submission without a delay. */
    public NewJob(String owner, UUID sessionId, String prompt, String model, String webhookUrl, String webhookSecret,
                  String metadata, String idempotencyKey) {
        this(owner, sessionId, prompt, model, webhookUrl, webhookSecret, metadata, idempotencyKey, null);
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
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
