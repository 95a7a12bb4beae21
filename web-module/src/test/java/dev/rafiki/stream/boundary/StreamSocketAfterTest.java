package dev.rafiki.stream.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class StreamSocketAfterTest {

    static final long MISSING = 41;

    static JsonObject frame(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static long after(String json) {
        return StreamSocket.after(frame(json), () -> MISSING);
    }

    @Test
    void leftOutOrNullIsTheEndpointsOwnStart() {
        assertEquals(MISSING, after("{\"type\":\"subscribe\"}"));
        assertEquals(MISSING, after("{\"type\":\"subscribe\",\"after\":null}"));
    }

    @Test
    void aWholeNumberFromZeroUpIsTheCursor() {
        assertEquals(0, after("{\"after\":0}"));
        assertEquals(7, after("{\"after\":7}"));
        assertEquals(Long.MAX_VALUE, after("{\"after\":" + Long.MAX_VALUE + "}"));
    }

    @Test
    void anythingElseIsRefusedRatherThanReadAsLeftOut() {
        for (var bad : new String[] {"\"7\"", "-1", "1.5", "true", "{}", "[]", "18446744073709551616"}) {
            var refused = assertThrows(ApiException.class, () -> after("{\"after\":" + bad + "}"), bad);
            assertEquals(ErrorCode.VALIDATION_FAILED, refused.code(), bad);
        }
    }
}
