package dev.rafiki.platform.http;

import static dev.rafiki.platform.http.TestJson.object;
import static dev.rafiki.platform.http.TestJson.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.json.JsonValue;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BodiesTest {

    static final String ID = "6f1c2b9e-0a4d-4c3e-9b7a-2d5e8f10a3c4";

    static void assertRefused(int status, ErrorCode code, String detail, Executable call) {
        var e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code());
        assertEquals(detail, e.getMessage());
    }

    static void assertInvalid(String detail, Executable call) {
        assertRefused(400, ErrorCode.VALIDATION_FAILED, detail, call);
    }

    @Test
    void requiredTakesAnObjectAsItIs() {
        var body = object("prompt", "hi");
        assertSame(body, Bodies.required(body));
    }

    @Test
    void requiredRefusesAnythingButAnObject() {
        var detail = "the request body must be a JSON object";
        assertInvalid(detail, () -> Bodies.required(null));
        assertInvalid(detail, () -> Bodies.required(JsonValue.NULL));
        assertInvalid(detail, () -> Bodies.required(JsonValue.EMPTY_JSON_ARRAY));
        assertInvalid(detail, () -> Bodies.required(value("prompt")));
        assertInvalid(detail, () -> Bodies.required(value(42)));
        assertInvalid(detail, () -> Bodies.required(JsonValue.TRUE));
    }

    @Test
    void optionalTreatsAbsentAndNullAsEmpty() {
        assertTrue(Bodies.optional(null).isEmpty());
        assertTrue(Bodies.optional(JsonValue.NULL).isEmpty());
        var body = object("a", "b");
        assertSame(body, Bodies.optional(body));
    }

    @Test
    void optionalStillRefusesArraysAndStrings() {
        var detail = "the request body must be a JSON object";
        assertInvalid(detail, () -> Bodies.optional(JsonValue.EMPTY_JSON_ARRAY));
        assertInvalid(detail, () -> Bodies.optional(value("{}")));
    }

    @Test
    void requiredStringMustBePresentAndNotBlank() {
        assertInvalid("'prompt' is required", () -> Bodies.string(object(), "prompt", true, 10));
        assertInvalid("'prompt' is required", () -> Bodies.string(object("prompt", null), "prompt", true, 10));
        assertInvalid("'prompt' must not be blank", () -> Bodies.string(object("prompt", " \n"), "prompt", true, 10));
        assertEquals(" hi ", Bodies.string(object("prompt", " hi "), "prompt", true, 10));
    }

    @Test
    void optionalStringMayBeAbsentNullOrBlank() {
        assertNull(Bodies.string(object(), "busy", false, 10));
        assertNull(Bodies.string(object("busy", null), "busy", false, 10));
        assertEquals("  ", Bodies.string(object("busy", "  "), "busy", false, 10));
    }

    @Test
    void stringMustBeAString() {
        for (var notAString : new Object[] {42, 1.5, true, JsonValue.EMPTY_JSON_ARRAY, object("x", "y")}) {
            assertInvalid("'prompt' must be a string", () -> Bodies.string(object("prompt", notAString), "prompt", true, 10));
            assertInvalid("'prompt' must be a string", () -> Bodies.string(object("prompt", notAString), "prompt", false, 10));
        }
    }

    @Test
    void stringLongerThanTheLimitIsTooLarge() {
        assertEquals("12345", Bodies.string(object("prompt", "12345"), "prompt", true, 5));
        assertRefused(413, ErrorCode.PAYLOAD_TOO_LARGE, "'prompt' is longer than 5 characters",
                () -> Bodies.string(object("prompt", "123456"), "prompt", true, 5));
        assertRefused(413, ErrorCode.PAYLOAD_TOO_LARGE, "'note' is longer than 5 characters",
                () -> Bodies.string(object("note", "123456"), "note", false, 5));
    }

    @Test
    void uuidFieldIsParsedWhenPresent() {
        assertEquals(UUID.fromString(ID), Bodies.uuid(object("session_id", ID), "session_id"));
        assertEquals(UUID.fromString(ID), Bodies.uuid(object("session_id", ID.toUpperCase()), "session_id"));
        assertNull(Bodies.uuid(object(), "session_id"));
        assertNull(Bodies.uuid(object("session_id", null), "session_id"));
    }

    @Test
    void malformedUuidFieldIsInvalid() {
        assertInvalid("'session_id' is not a valid id", () -> Bodies.uuid(object("session_id", "s-1"), "session_id"));
        assertInvalid("'session_id' is not a valid id", () -> Bodies.uuid(object("session_id", ""), "session_id"));
        assertInvalid("'session_id' must be a string", () -> Bodies.uuid(object("session_id", 7), "session_id"));
    }

    @Test
    void objectFieldIsOptionalButMustBeAnObject() {
        assertNull(Bodies.object(object(), "options"));
        assertNull(Bodies.object(object("options", null), "options"));
        var options = object("k", "v");
        assertEquals(options, Bodies.object(object("options", options), "options"));
        assertInvalid("'options' must be a JSON object", () -> Bodies.object(object("options", "k=v"), "options"));
        assertInvalid("'options' must be a JSON object", () -> Bodies.object(object("options", JsonValue.EMPTY_JSON_ARRAY), "options"));
    }

    @Test
    void malformedPathIdCannotNameAnythingSoItIsNotFound() {
        assertEquals(UUID.fromString(ID), Bodies.pathId(ID, "session"));
        assertRefused(404, ErrorCode.NOT_FOUND, "session abc not found", () -> Bodies.pathId("abc", "session"));
        assertRefused(404, ErrorCode.NOT_FOUND, "prompt  not found", () -> Bodies.pathId("", "prompt"));
    }

    @Test
    void limitFallsBackWhenAbsent() {
        assertEquals(50, Bodies.limit(null, 50, 200));
        assertEquals(50, Bodies.limit("", 50, 200));
        assertEquals(50, Bodies.limit("  ", 50, 200));
    }

    @Test
    void limitAcceptsOneToMax() {
        assertEquals(1, Bodies.limit("1", 50, 200));
        assertEquals(200, Bodies.limit("200", 50, 200));
        assertEquals(7, Bodies.limit(" 7 ", 50, 200));
    }

    @Test
    void limitOutsideTheBoundsIsInvalid() {
        for (var text : new String[] {"0", "-1", "201", "2147483647"}) {
            assertInvalid("'limit' must be a number between 1 and 200", () -> Bodies.limit(text, 50, 200));
        }
    }

    @Test
    void limitThatIsNotANumberIsInvalid() {
        for (var text : new String[] {"ten", "1.5", "1e2", "0x10", "99999999999"}) {
            assertInvalid("'limit' must be a number between 1 and 200", () -> Bodies.limit(text, 50, 200));
        }
    }

    @Test
    void aMalformedReferenceNamesNothing() {
        for (var text : new String[] {"s-1", "", "1-2-3-4-5"}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.rafiki.platform.problem.ApiException.class,
                    () -> Bodies.reference(object("session_id", text), "session_id", "session"));
            assertEquals(404, e.status(), text);
            assertEquals("session " + text + " not found", e.getMessage());
        }
        assertInvalid("'session_id' must be a string", () -> Bodies.reference(object("session_id", 7), "session_id", "session"));
        assertNull(Bodies.reference(object(), "session_id", "session"));
        assertEquals(UUID.fromString(ID), Bodies.reference(object("session_id", ID), "session_id", "session"));
    }

    @Test
    void onlyCanonicalIdsAreIds() {
        assertInvalid("'session_id' is not a valid id", () -> Bodies.uuid("1-2-3-4-5", "session_id"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.rafiki.platform.problem.ApiException.class,
                () -> Bodies.pathId("1-2-3-4-5", "session"));
        assertEquals(404, e.status());
    }
}
