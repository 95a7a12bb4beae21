package dev.rafiki.link.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a link: base64url (no padding) of HMAC-SHA256 over {@code v1}, the method, the
 * path it opens (decoded, as the route sees it) and its expiry in epoch seconds, one per line. A
 * link is good only for that method, that path and until that second; changing any of them, or
 * the key, breaks it. Plain code, no container: built with {@code new} in tests.
 */
public final class LinkSignature {

    /** The smallest key accepted: 256 bits, the size of the hash. */
    public static final int MIN_KEY_BYTES = 32;

    public enum Verdict { VALID, INVALID, EXPIRED }

    private final SecretKeySpec key;

    public LinkSignature(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a link key has at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    public String sign(String method, String path, long expiresEpochSeconds) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(method, path, expiresEpochSeconds));
    }

    /**
     * @param expires   the link's {@code expires} parameter, as sent
     * @param signature the link's {@code signature} parameter, as sent
     */
    public Verdict verify(String method, String path, String expires, String signature, Instant now) {
        if (expires == null || signature == null || !expires.matches("0|[1-9][0-9]{0,11}") || signature.length() > 100) {
            return Verdict.INVALID;
        }
        long expiry = Long.parseLong(expires);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        // constant time: a client must not learn how much of a forged signature was right
        if (!MessageDigest.isEqual(mac(method, path, expiry), given)) {
            return Verdict.INVALID;
        }
        return now.getEpochSecond() > expiry ? Verdict.EXPIRED : Verdict.VALID;
    }

    private byte[] mac(String method, String path, long expires) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(("v1\n" + method + "\n" + path + "\n" + expires).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
