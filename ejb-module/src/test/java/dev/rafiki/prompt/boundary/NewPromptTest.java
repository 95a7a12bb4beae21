package dev.rafiki.prompt.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NewPromptTest {

    static final UUID SESSION = UUID.fromString("6f1c2b9e-0a4d-4c3e-9b7a-2d5e8f10a3c4");
    static final UUID OTHER_SESSION = UUID.fromString("0b7e3c1a-5f2d-4e8b-a1c9-7d3f6e2b4a10");

    static String hash(UUID session, BusyPolicy busy, String prompt) {
        return new NewPrompt("alice", session, prompt, busy, "key-1", null).requestHash();
    }

    @Test
    void sameRequestSameHash() {
        var first = new NewPrompt("alice", SESSION, "hello", BusyPolicy.ENQUEUE, "key-1", null);
        var retry = new NewPrompt("alice", UUID.fromString(SESSION.toString()), new String("hello"), BusyPolicy.ENQUEUE, "key-1", null);

        assertEquals(first.requestHash(), retry.requestHash());
        assertTrue(first.requestHash().matches("[0-9a-f]{64}"), first.requestHash());
    }

    @Test
    void idempotencyKeyAndOwnerAreNotPartOfWhatWasAsked() {
        assertEquals(new NewPrompt("alice", SESSION, "hello", BusyPolicy.ENQUEUE, "key-1", null).requestHash(),
                new NewPrompt("bob", SESSION, "hello", BusyPolicy.ENQUEUE, "key-2", null).requestHash());
    }

    @Test
    void differsWhenPromptSessionOrBusyDiffers() {
        var base = hash(SESSION, BusyPolicy.ENQUEUE, "hello");

        assertNotEquals(base, hash(SESSION, BusyPolicy.ENQUEUE, "hello "));
        assertNotEquals(base, hash(SESSION, BusyPolicy.ENQUEUE, "Hello"));
        assertNotEquals(base, hash(OTHER_SESSION, BusyPolicy.ENQUEUE, "hello"));
        assertNotEquals(base, hash(null, BusyPolicy.ENQUEUE, "hello"));
        assertNotEquals(base, hash(SESSION, BusyPolicy.REJECT, "hello"));
        assertNotEquals(base, hash(SESSION, BusyPolicy.INTERRUPT, "hello"));
    }

    /** The parts are separated, so text moved from one part into another never gives the same hash. */
    @Test
    void shiftedPartsDoNotCollide() {
        var hashes = new HashSet<String>();
        var requests = new Object[][] {
                {null, BusyPolicy.ENQUEUE, "a"},
                {null, BusyPolicy.ENQUEUE, "a\0"},
                {null, BusyPolicy.ENQUEUE, "\0a"},
                {null, BusyPolicy.ENQUEUE, "null"},
                {null, BusyPolicy.ENQUEUE, ""},
                {null, BusyPolicy.REJECT, "a"},
                {null, BusyPolicy.REJECT, "\0ENQUEUE\0a"},
                {null, BusyPolicy.ENQUEUE, "ENQUEUE\0a"},
                {SESSION, BusyPolicy.ENQUEUE, "a"},
                {SESSION, BusyPolicy.ENQUEUE, ""},
                {null, BusyPolicy.ENQUEUE, SESSION + "\0ENQUEUE\0a"},
                {SESSION, BusyPolicy.ENQUEUE, "ENQUEUE\0a"},
        };
        for (var r : requests) {
            assertTrue(hashes.add(hash((UUID) r[0], (BusyPolicy) r[1], (String) r[2])),
                    "collision for " + java.util.Arrays.toString(r));
        }
    }

    /**
     * The hash is stored with the prompt and compared when a client retries, possibly after an
     * upgrade: changing how it is computed turns every pending retry into a 409. Change this value
     * only together with a migration of stored hashes.
     */
    @Test
    void hashIsStableAcrossVersions() {
        assertEquals("556a33467234f5e2904b0094770ebe9041fbf6545e0788207dbdf662b59eb8b7",
                hash(SESSION, BusyPolicy.ENQUEUE, "hello"));
    }
}
