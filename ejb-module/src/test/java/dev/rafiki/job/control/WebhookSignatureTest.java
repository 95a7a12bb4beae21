package dev.rafiki.job.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void signsLikeTheStandardWebhooksSpecificationExample() {
        // the example of standardwebhooks.com, so any Standard Webhooks library verifies our signatures
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}"));
    }

    @Test
    void generatedSecretsAreValidAndDistinct() {
        var one = WebhookSignature.newSecret();
        assertTrue(WebhookSignature.valid(one), one);
        assertFalse(one.equals(WebhookSignature.newSecret()));
    }

    @Test
    void secretsMustBeWhsecBase64OfAUsefulLength() {
        assertFalse(WebhookSignature.valid(null));
        assertFalse(WebhookSignature.valid("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertFalse(WebhookSignature.valid("whsec_not base64!"));
        assertFalse(WebhookSignature.valid("whsec_c2hvcnQ="));
        assertTrue(WebhookSignature.valid("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }
}
