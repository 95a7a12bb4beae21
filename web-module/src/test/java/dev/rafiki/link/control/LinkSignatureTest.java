package dev.rafiki.link.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rafiki.link.control.LinkSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LinkSignatureTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String PATH = "/session/7f0c5b1e-8f6a-4a43-9d1e-2b7e1c3d4f5a/files/out/report.csv";
    static final long EXPIRES = 2_000_000_000L;
    static final Instant BEFORE = Instant.ofEpochSecond(EXPIRES - 1);

    LinkSignature signer = new LinkSignature(KEY);
    String signature = signer.sign("GET", PATH, EXPIRES);

    @Test
    void aLinkIsGoodForItsMethodPathAndExpiry() {
        assertEquals(Verdict.VALID, signer.verify("GET", PATH, Long.toString(EXPIRES), signature, BEFORE));
        assertEquals(Verdict.VALID, signer.verify("GET", PATH, Long.toString(EXPIRES), signature, Instant.ofEpochSecond(EXPIRES)));
    }

    @Test
    void afterItsExpiryItIsExpiredNotInvalid() {
        assertEquals(Verdict.EXPIRED, signer.verify("GET", PATH, Long.toString(EXPIRES), signature,
                Instant.ofEpochSecond(EXPIRES + 1)));
    }

    @Test
    void anotherPathMethodOrExpiryIsInvalid() {
        assertEquals(Verdict.INVALID, signer.verify("GET", PATH.replace("report", "secret"), Long.toString(EXPIRES), signature, BEFORE));
        assertEquals(Verdict.INVALID, signer.verify("GET", PATH + "/", Long.toString(EXPIRES), signature, BEFORE));
        assertEquals(Verdict.INVALID, signer.verify("PUT", PATH, Long.toString(EXPIRES), signature, BEFORE));
        // a later expiry cannot be bought by editing the parameter
        assertEquals(Verdict.INVALID, signer.verify("GET", PATH, Long.toString(EXPIRES + 3600), signature, BEFORE));
        // one spelling of the expiry only: the signed one
        assertEquals(Verdict.INVALID, signer.verify("GET", PATH, "0" + EXPIRES, signature, BEFORE));
    }

    @Test
    void aTamperedOrForeignSignatureIsInvalid() {
        var chars = signature.toCharArray();
        chars[3] = chars[3] == 'A' ? 'B' : 'A';
        assertEquals(Verdict.INVALID, signer.verify("GET", PATH, Long.toString(EXPIRES), new String(chars), BEFORE));
        assertEquals(Verdict.INVALID, signer.verify("GET", PATH, Long.toString(EXPIRES), signature.substring(1), BEFORE));
        var otherKey = Arrays.copyOf(KEY, KEY.length);
        otherKey[0] ^= 1;
        assertEquals(Verdict.INVALID, new LinkSignature(otherKey).verify("GET", PATH, Long.toString(EXPIRES), signature, BEFORE));
    }

    @Test
    void malformedParametersAreInvalidNeverAnException() {
        for (var expires : new String[] {null, "", "-1", "1e9", "9999999999999999999999", " 2000000000", "２０００"}) {
            assertEquals(Verdict.INVALID, signer.verify("GET", PATH, expires, signature, BEFORE), String.valueOf(expires));
        }
        for (var sig : new String[] {null, "", "!!!", "a".repeat(5000), "ab=c"}) {
            assertEquals(Verdict.INVALID, signer.verify("GET", PATH, Long.toString(EXPIRES), sig, BEFORE), String.valueOf(sig));
        }
    }

    @Test
    void signaturesAreUrlSafe() {
        assertEquals(true, signature.matches("[A-Za-z0-9_-]{43}"), signature);
    }

    @Test
    void shortKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LinkSignature(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new LinkSignature(null));
    }
}
