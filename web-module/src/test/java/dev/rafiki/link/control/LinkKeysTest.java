package dev.rafiki.link.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.link.control.LinkSignature.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkKeysTest {

    static final String PATH = "/jobs/1/artifacts/a.txt";

    @TempDir
    Path dir;

    @Test
    void aMissingKeyFileIsCreatedForItsOwnerOnly() throws Exception {
        var file = dir.resolve("links/hmac.key");
        var keys = new LinkKeys(null, file);
        assertTrue(keys.current().isPresent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(file).strip()).length);
        // the same key on the next start
        var signature = keys.current().get().sign("GET", PATH, 10);
        assertEquals(Verdict.VALID, new LinkKeys(null, file).current().get().verify("GET", PATH, "10", signature, Instant.EPOCH));
    }

    @Test
    void replacingOrDeletingTheFileRotatesTheKeyAtOnce() throws Exception {
        var file = dir.resolve("hmac.key");
        var keys = new LinkKeys(null, file);
        var old = keys.current().get().sign("GET", PATH, 10);
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[48]));
        assertEquals(Verdict.INVALID, keys.current().get().verify("GET", PATH, "10", old, Instant.EPOCH));
        var second = keys.current().get().sign("GET", PATH, 10);
        Files.delete(file);
        assertEquals(Verdict.INVALID, keys.current().get().verify("GET", PATH, "10", second, Instant.EPOCH));
        assertTrue(Files.exists(file));
    }

    @Test
    void anUnusableKeyFailsClosed() throws Exception {
        var file = dir.resolve("hmac.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
        var keys = new LinkKeys(null, file);
        assertTrue(keys.current().isEmpty());
        assertNotNull(keys.problem());
        Files.writeString(file, "not base64 at all!");
        assertTrue(keys.current().isEmpty());
        assertTrue(new LinkKeys("c2hvcnQ=", dir.resolve("unused")).current().isEmpty(), "a short configured key");
        assertTrue(new LinkKeys("%%%", dir.resolve("unused")).current().isEmpty(), "a configured key that is not base64");
        assertTrue(Files.notExists(dir.resolve("unused")), "a configured key, even a bad one, never falls back to a file");
    }

    @Test
    void aConfiguredKeyWinsOverTheFile() {
        var configured = Base64.getEncoder().encodeToString(new byte[32]);
        var keys = new LinkKeys(configured, dir.resolve("hmac.key"));
        var signature = keys.current().get().sign("GET", PATH, 10);
        assertEquals(Verdict.VALID, new LinkSignature(new byte[32]).verify("GET", PATH, "10", signature, Instant.EPOCH));
        assertTrue(Files.notExists(dir.resolve("hmac.key")));
    }

    @Test
    void routesAreEncodedSegmentBySegment() {
        assertEquals("/session/x/files/a%20b/%C3%A9t%C3%A9%2B1.txt", SignedLinks.encode("/session/x/files/a b/été+1.txt"));
        assertEquals("/session/x/files/%3F%23%25", SignedLinks.encode("/session/x/files/?#%"));
    }
}
