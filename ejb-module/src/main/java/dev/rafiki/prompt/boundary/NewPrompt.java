package dev.rafiki.prompt.boundary;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** A validated request to run a prompt. {@code sessionId} null means "in a new session". */
public record NewPrompt(String owner, UUID sessionId, String prompt, BusyPolicy busy, String idempotencyKey, String model) {

    /** Fingerprint of what the client asked, to tell a retry from a different request under the same key. */
    public String requestHash() {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (var part : new String[] {String.valueOf(sessionId), busy.name(), prompt}) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            // only when given, so that hashes stored before requests could name a model stay valid
            if (model != null) {
                digest.update(("model=" + model).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
