package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

    // the test vector of the Standard Webhooks reference libraries
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String BODY = "{\"test\": 2432232314}";
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    WebhookVerifier verifier = new WebhookVerifier(SECRET)
            .withClock(Clock.fixed(Instant.ofEpochSecond(1614265330 + 10), ZoneOffset.UTC));

    @Test
    void theReferenceVectorVerifies() {
        verifier.verify(ID, "1614265330", SIGNATURE, BODY);
        assertEquals(SIGNATURE, verifier.sign(ID, 1614265330, BODY.getBytes(StandardCharsets.UTF_8)));
        assertTrue(new WebhookVerifier(SECRET.substring("whsec_".length()))
                .withClock(Clock.fixed(Instant.ofEpochSecond(1614265330), ZoneOffset.UTC))
                .valid(ID, "1614265330", SIGNATURE, BODY.getBytes(StandardCharsets.UTF_8)), "whsec_ may be left out");
    }

    @Test
    void anyOfSeveralSignaturesMayMatch() {
        verifier.verify(ID, "1614265330", "v1,bm90IGl0 v2,whatever " + SIGNATURE, BODY);
    }

    @Test
    void aChangedBodyIdOrTimestampIsRefused() {
        assertThrows(WebhookVerifier.Invalid.class, () -> verifier.verify(ID, "1614265330", SIGNATURE, BODY + " "));
        assertThrows(WebhookVerifier.Invalid.class, () -> verifier.verify("msg_other", "1614265330", SIGNATURE, BODY));
        assertThrows(WebhookVerifier.Invalid.class, () -> verifier.verify(ID, "1614265331", SIGNATURE, BODY));
        assertThrows(WebhookVerifier.Invalid.class, () -> verifier.verify(ID, "1614265330", "v1,not base64!", BODY));
        assertThrows(WebhookVerifier.Invalid.class, () -> verifier.verify(ID, "1614265330", null, BODY));
        var otherKey = new WebhookVerifier("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]))
                .withClock(Clock.fixed(Instant.ofEpochSecond(1614265330), ZoneOffset.UTC));
        assertFalse(otherKey.valid(ID, "1614265330", SIGNATURE, BODY.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anOldOrFutureTimestampIsRefused() {
        var later = verifier.withClock(Clock.fixed(Instant.ofEpochSecond(1614265330 + 301), ZoneOffset.UTC));
        var failure = assertThrows(WebhookVerifier.Invalid.class, () -> later.verify(ID, "1614265330", SIGNATURE, BODY));
        assertTrue(failure.getMessage().contains("301 s"), failure.getMessage());
        var earlier = verifier.withClock(Clock.fixed(Instant.ofEpochSecond(1614265330 - 301), ZoneOffset.UTC));
        assertThrows(WebhookVerifier.Invalid.class, () -> earlier.verify(ID, "1614265330", SIGNATURE, BODY));
        earlier.withTolerance(Duration.ofMinutes(10)).verify(ID, "1614265330", SIGNATURE, BODY);
    }

    @Test
    void headersAreReadByName() {
        var headers = Map.of("webhook-id", ID, "webhook-timestamp", "1614265330", "webhook-signature", SIGNATURE);
        verifier.verify(headers::get, BODY.getBytes(StandardCharsets.UTF_8));
    }
}
