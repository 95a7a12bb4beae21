package dev.rafiki.platform.http;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.math.BigDecimal;

/** JSON request bodies for tests, written as name/value pairs. */
public final class TestJson {

    private TestJson() {
    }

    /** {@code object("prompt", "hi", "limit", 3, "flag", true, "gone", null)}. */
    public static JsonObject object(Object... namesAndValues) {
        var builder = Json.createObjectBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add((String) namesAndValues[i], value(namesAndValues[i + 1]));
        }
        return builder.build();
    }

    public static JsonValue value(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof JsonValue json) {
            return json;
        }
        if (value instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof String s) {
            return Json.createValue(s);
        }
        if (value instanceof Number n) {
            return Json.createValue(new BigDecimal(n.toString()));
        }
        throw new IllegalArgumentException("no JSON for " + value.getClass());
    }
}
