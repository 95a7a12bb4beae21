package dev.rafiki.platform.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RFC 9457 body every error of the API carries. */
class ProblemsTest {

    @Test
    void hasTheRfc9457MembersAndRafikisCode() {
        var body = Problems.body(409, ErrorCode.SESSION_BUSY, "session s1 is busy", "req-12345678", Map.of());

        assertEquals("https://rafiki.dev/problems/session-busy", body.getString("type"));
        assertEquals("Session busy", body.getString("title"));
        assertEquals(409, body.getInt("status"));
        assertEquals(JsonValue.ValueType.NUMBER, body.get("status").getValueType());
        assertEquals("session-busy", body.getString("code"));
        assertEquals("session s1 is busy", body.getString("detail"));
        assertEquals("req-12345678", body.getString("request_id"));
        assertEquals(List.of("type", "title", "status", "code", "detail", "request_id"), List.copyOf(body.keySet()));
    }

    @Test
    void typeEndsWithTheCodeForEveryCode() {
        for (var code : ErrorCode.values()) {
            var body = Problems.body(400, code, "d", "r", Map.of());
            assertEquals(Problems.TYPE_BASE + body.getString("code"), body.getString("type"));
            assertEquals(code.wire(), body.getString("code"));
            assertEquals(code.title(), body.getString("title"));
        }
    }

    @Test
    void missingDetailFallsBackToTheTitle() {
        var body = Problems.body(500, ErrorCode.INTERNAL_ERROR, null, "r", Map.of());

        assertEquals("Internal server error", body.getString("detail"));
    }

    @Test
    void extensionsAreAddedWithTheirJsonTypes() {
        var extensions = new LinkedHashMap<String, Object>();
        extensions.put("queue_length", 3);
        extensions.put("retry", true);
        extensions.put("running_prompt_id", "p-1");
        extensions.put("limit", 10_000_000_000L);
        extensions.put("where", java.net.URI.create("/session/s1"));
        extensions.put("nothing", null);

        var body = Problems.body(409, ErrorCode.SESSION_BUSY, "busy", "r", extensions);

        assertEquals(3, body.getInt("queue_length"));
        assertEquals(JsonValue.ValueType.NUMBER, body.get("queue_length").getValueType());
        assertEquals(JsonValue.TRUE, body.get("retry"));
        assertEquals("p-1", body.getString("running_prompt_id"));
        assertEquals(10_000_000_000L, body.getJsonNumber("limit").longValueExact());
        assertEquals("/session/s1", body.getString("where"));
        assertFalse(body.containsKey("nothing"), "null extensions are left out");
    }

    @Test
    void extensionsCannotReplaceStandardMembersAndKeepTheirNumbers() {
        var body = Problems.body(409, ErrorCode.SESSION_BUSY, "busy", "req-12345678",
                Map.of("status", "oops", "type", "x", "ratio", 1.5, "queue_length", 3));

        assertEquals(409, body.getInt("status"));
        assertEquals("https://rafiki.dev/problems/session-busy", body.getString("type"));
        assertEquals("1.5", body.getJsonNumber("ratio").toString());
        assertEquals(3, body.getInt("queue_length"));
    }
}
