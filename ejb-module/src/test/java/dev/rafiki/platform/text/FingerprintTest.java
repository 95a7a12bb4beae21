package dev.rafiki.platform.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.rafiki.job.boundary.NewJob;
import dev.rafiki.prompt.boundary.BusyPolicy;
import dev.rafiki.prompt.boundary.NewPrompt;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    static final UUID SESSION = UUID.fromString("6f1c2b9e-0a4d-4c3e-9b7a-2d5e8f10a3c4");

    /**
     * Hashes stored under an Idempotency-Key must still match after an upgrade: these are the
     * values the hashing gave before it was shared by prompts and jobs (computed with that code).
     */
    @Test
    void storedHashesStayValid() {
        assertEquals("8f1f5e162e69e3362e6275b6268307aa69a707b3466dd2e4b5a5c5519fe34c77",
                new NewJob("alice", null, "hello", null, null, null, null, "k").requestHash());
        assertEquals("d5f0367ca249222ba4f0f6166d263575db6361396fa91b98a4eaaaf0fc73bd7c",
                new NewJob("alice", SESSION, "hello", "echo", "https://example.com/h", "x", "{\"a\":1}", "k", "agent-1", null,
                        Instant.parse("2027-01-01T00:00:00Z"), "{\"type\":\"object\"}", "{\"write_file\":\"always\"}").requestHash());
        assertEquals("f582b0937cc8c1645725aa833f9f1fda69ada81a9e82237245a4606e1c70fb99",
                new NewPrompt("alice", null, "hello", BusyPolicy.ENQUEUE, "k", null).requestHash());
        assertEquals("090c0cdbc5abc27c0e8158470ea10953192d5c842efc0ee4e2e0c1e1bb987741",
                new NewPrompt("alice", SESSION, "hello", BusyPolicy.REJECT, "k", "echo", "agent-1", null, "{\"type\":\"object\"}",
                        "{\"a\":1}", "{\"write_file\":\"always\"}").requestHash());
    }

    @Test
    void anOptionalPartChangesTheHashOnlyWhenGiven() {
        var bare = new Fingerprint("a").hex();
        assertEquals(bare, new Fingerprint("a").optional("model", null).hex());
        assertNotEquals(bare, new Fingerprint("a").optional("model", "echo").hex());
        assertNotEquals(new Fingerprint("a").optional("model", "x").hex(), new Fingerprint("a").optional("agent", "x").hex());
    }
}
