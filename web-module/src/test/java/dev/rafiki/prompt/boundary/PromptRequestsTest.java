package dev.rafiki.prompt.boundary;

import static dev.rafiki.platform.http.TestJson.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PromptRequestsTest {

    static final UUID SESSION = UUID.fromString("6f1c2b9e-0a4d-4c3e-9b7a-2d5e8f10a3c4");
    static final int MAX = 20;

    static NewPrompt parse(JsonObject body, String idempotencyKey) {
        return PromptRequests.parse("alice", body, idempotencyKey, MAX);
    }

    static ApiException refused(JsonObject body, String idempotencyKey) {
        return assertThrows(ApiException.class, () -> parse(body, idempotencyKey));
    }

    static void assertInvalid(String detail, JsonObject body, String idempotencyKey) {
        var e = refused(body, idempotencyKey);
        assertEquals(400, e.status(), e.getMessage());
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals(detail, e.getMessage());
    }

    @Test
    void promptAloneRunsInANewSessionAndWaitsItsTurn() {
        var request = parse(object("prompt", "hello"), null);

        assertEquals(new NewPrompt("alice", null, "hello", BusyPolicy.ENQUEUE, null, null), request);
    }

    @Test
    void allFieldsAreRead() {
        var request = parse(object("prompt", "hello", "session_id", SESSION.toString(), "busy", "Interrupt"), "retry-1");

        assertEquals(new NewPrompt("alice", SESSION, "hello", BusyPolicy.INTERRUPT, "retry-1", null), request);
    }

    @Test
    void anAgentIsTakenAsGivenAndResolvedLater() {
        var request = parse(object("prompt", "hello", "agent", "reviewer"), null);

        assertEquals("reviewer", request.agent());
        assertNull(request.pin());
        assertInvalid("'agent' must be a string", object("prompt", "hello", "agent", 7), null);
    }

    @Test
    void theAgentIsPartOfWhatAnIdempotencyKeyStandsFor() {
        var plain = parse(object("prompt", "hello"), "k");
        var withAgent = parse(object("prompt", "hello", "agent", "reviewer"), "k");

        assertNotEquals(plain.requestHash(), withAgent.requestHash());
        assertEquals(withAgent.requestHash(), withAgent.pinned(new dev.rafiki.profile.control.AgentPin(
                java.util.UUID.randomUUID(), 3, "echo")).requestHash(), "what it resolved to is not what was asked");
    }

    @Test
    void metadataIsAnObjectOfAtMost16KiBAndPartOfWhatAKeyStandsFor() {
        var request = parse(object("prompt", "hello", "metadata", object("ticket", "T-1")), "k");

        assertEquals("{\"ticket\":\"T-1\"}", request.metadata());
        assertNotEquals(parse(object("prompt", "hello"), "k").requestHash(), request.requestHash());
        assertInvalid("'metadata' must be a JSON object", object("prompt", "hello", "metadata", "T-1"), null);
        var tooLarge = refused(object("prompt", "hello", "metadata", object("blob", "x".repeat(16_384))), null);
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge.code());
    }

    @Test
    void approvalRulesAreCheckedKeptInTheirStoredFormAndPartOfWhatAKeyStandsFor() {
        var request = parse(object("prompt", "hello", "approval", object("write_file",
                object("unless", object("path", "drafts/**")), "notes.add", "always")), "k");

        assertEquals("{\"write_file\":{\"unless\":{\"path\":\"drafts/**\"}},\"notes.add\":\"always\"}", request.approval());
        assertNotEquals(parse(object("prompt", "hello"), "k").requestHash(), request.requestHash());
        assertNull(parse(object("prompt", "hello", "approval", object()), null).approval());
        assertNull(parse(object("prompt", "hello", "approval", null), null).approval());
        assertInvalid("'approval.write_file' must have exactly one of 'if' and 'unless'",
                object("prompt", "hello", "approval", object("write_file", object())), null);
        assertInvalid("'approval.write_file.if.path' must be a glob string, e.g. \"drafts/**\"",
                object("prompt", "hello", "approval", object("write_file", object("if", object("path", true)))), null);
        var typo = refused(object("prompt", "hello", "approval", object("writ_file", "always")), null);
        assertEquals(ErrorCode.UNKNOWN_TOOL, typo.code());
        assertEquals(400, typo.status());
        assertEquals(ErrorCode.VALIDATION_FAILED, refused(object("prompt", "hello", "approval", "always"), null).code());
    }

    @Test
    void nullOrBlankOptionalFieldsTakeTheirDefaults() {
        var request = parse(object("prompt", "hello", "session_id", null, "busy", ""), null);

        assertNull(request.sessionId());
        assertEquals(BusyPolicy.ENQUEUE, request.busy());
    }

    @Test
    void promptIsRequiredNotBlankAndAString() {
        assertInvalid("'prompt' is required", object(), null);
        assertInvalid("'prompt' is required", object("prompt", null), null);
        assertInvalid("'prompt' must not be blank", object("prompt", "   "), null);
        assertInvalid("'prompt' must be a string", object("prompt", 42), null);
    }

    @Test
    void promptLongerThanTheLimitIsTooLarge() {
        assertEquals("x".repeat(MAX), parse(object("prompt", "x".repeat(MAX)), null).prompt());

        var e = refused(object("prompt", "x".repeat(MAX + 1)), null);
        assertEquals(413, e.status());
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        assertEquals("'prompt' is longer than " + MAX + " characters", e.getMessage());
    }

    @Test
    void sessionIdMustBeAnId() {
        var malformed = refused(object("prompt", "hi", "session_id", "my-session"), null);
        assertEquals(404, malformed.status(), "an id that cannot name a session is answered like one that names none");
        assertEquals(ErrorCode.NOT_FOUND, malformed.code());
        assertInvalid("'session_id' must be a string", object("prompt", "hi", "session_id", 12), null);
    }

    @Test
    void unknownBusyPolicyIsInvalid() {
        assertInvalid("'busy' must be one of enqueue, reject, interrupt", object("prompt", "hi", "busy", "later"), null);
        assertInvalid("'busy' must be a string", object("prompt", "hi", "busy", true), null);
    }

    @Test
    void idempotencyKeyIsOneTo255Characters() {
        assertEquals("k", parse(object("prompt", "hi"), "k").idempotencyKey());
        assertEquals("k".repeat(255), parse(object("prompt", "hi"), "k".repeat(255)).idempotencyKey());

        var detail = "Idempotency-Key must be 1 to 255 characters";
        assertInvalid(detail, object("prompt", "hi"), "");
        assertInvalid(detail, object("prompt", "hi"), "   ");
        assertInvalid(detail, object("prompt", "hi"), "k".repeat(256));
    }
}
