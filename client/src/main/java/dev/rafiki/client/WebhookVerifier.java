package dev.rafiki.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook Rafiki sent (Standard Webhooks, standardwebhooks.com): {@code webhook-signature}
 * holds one or more space-separated {@code v1,<base64>} signatures, each an HMAC-SHA256, keyed
 * with the base64 key after the secret's {@code whsec_}, of {@code webhook-id + "." +
 * webhook-timestamp + "." + body}; the body as the bytes received, before any parsing. A
 * timestamp further than the tolerance (5 minutes) from now is refused, so a captured delivery
 * cannot be replayed later; remember {@code webhook-id}s to drop the redeliveries of a retry.
 *
 * <pre>{@code
 * var verifier = new WebhookVerifier(secret);
 * verifier.verify(request::getHeader, bodyBytes);   // throws WebhookVerifier.Invalid
 * }</pre>
 */
public final class WebhookVerifier {

    /** A delivery that is not Rafiki's, or too old or new to be trusted. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    private static final String PREFIX = "whsec_";

    private final byte[] key;
    private final Duration tolerance;
    private final Clock clock;

    /** @param secret {@code whsec_} and the base64 of the key (the {@code whsec_} may be left out) */
    public WebhookVerifier(String secret) {
        this(key(secret), Duration.ofMinutes(5), Clock.systemUTC());
    }

    private WebhookVerifier(byte[] key, Duration tolerance, Clock clock) {
        this.key = key;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    public WebhookVerifier withTolerance(Duration allowed) {
        return new WebhookVerifier(key, allowed, clock);
    }

    public WebhookVerifier withClock(Clock now) {
        return new WebhookVerifier(key, tolerance, now);
    }

    /** Checks a delivery, reading its headers by name (any case) with {@code header}. */
    public void verify(Function<String, String> header, byte[] body) {
        verify(header.apply("webhook-id"), header.apply("webhook-timestamp"), header.apply("webhook-signature"), body);
    }

    public void verify(String id, String timestamp, String signatures, String body) {
        verify(id, timestamp, signatures, body.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws Invalid when a header is missing, the timestamp is out of tolerance, or no signature matches */
    public void verify(String id, String timestamp, String signatures, byte[] body) {
        if (id == null || timestamp == null || signatures == null) {
            throw new Invalid("missing webhook-id, webhook-timestamp or webhook-signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new Invalid("webhook-timestamp is not a number of seconds");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw new Invalid("webhook-timestamp is " + (now - seconds) + " s away from now, beyond " + tolerance);
        }
        var expected = mac(id, timestamp.strip(), body);
        for (var signature : signatures.strip().split(" +")) {
            int comma = signature.indexOf(',');
            if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(comma + 1));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return;
            }
        }
        throw new Invalid("no v1 signature matches");
    }

    /** True when {@link #verify(String, String, String, byte[])} passes. */
    public boolean valid(String id, String timestamp, String signatures, byte[] body) {
        try {
            verify(id, timestamp, signatures, body);
            return true;
        } catch (Invalid e) {
            return false;
        }
    }

    /** The {@code webhook-signature} value for a delivery: {@code v1,<base64>}. */
    public String sign(String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(id, Long.toString(timestamp), body));
    }

    private byte[] mac(String id, String timestamp, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] key(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a webhook secret is required");
        }
        var text = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is whsec_ and base64", e);
        }
    }
}
