package dev.rafiki.platform.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of what a client asked, to tell a retry from another request under the same
 * {@code Idempotency-Key}. Each part ends with a NUL byte, so that text moved from one part into
 * the next never hashes alike. A part added to a request after hashes were first stored is
 * {@linkplain #optional named, and hashed only when given}, so that the stored hashes stay valid.
 */
public final class Fingerprint {

    private final MessageDigest digest;

    /** @param parts the request's first parts, {@code String.valueOf} each (so null hashes as "null") */
    public Fingerprint(Object... parts) {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (var part : parts) {
            part(String.valueOf(part));
        }
    }

    /** A part hashed as {@code name=value}, only when the value is given. */
    public Fingerprint optional(String name, Object value) {
        if (value != null) {
            part(name + "=" + value);
        }
        return this;
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    private void part(String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
