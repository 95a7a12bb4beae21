package dev.rafiki.platform.http;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * JSON request bodies for tests. The module's test classpath has the JSON-P API only (the server
 * brings the implementation), so without a provider these small stand-ins are used; with one
 * (e.g. Parsson on the test classpath) the real builder is.
 */
public final class TestJson {

    public static final boolean PROVIDER = hasProvider();

    private TestJson() {
    }

    /** {@code object("prompt", "hi", "limit", 3, "flag", true, "gone", null)}. */
    public static JsonObject object(Object... namesAndValues) {
        var members = new LinkedHashMap<String, JsonValue>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            members.put((String) namesAndValues[i], value(namesAndValues[i + 1]));
        }
        if (PROVIDER) {
            var builder = Json.createObjectBuilder();
            members.forEach(builder::add);
            return builder.build();
        }
        return new MapObject(members);
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
            return PROVIDER ? Json.createValue(s) : new StringValue(s);
        }
        if (value instanceof Number n) {
            var decimal = new BigDecimal(n.toString());
            return PROVIDER ? Json.createValue(decimal) : new NumberValue(decimal);
        }
        throw new IllegalArgumentException("no JSON for " + value.getClass());
    }

    private static boolean hasProvider() {
        try {
            Json.createObjectBuilder();
            return true;
        } catch (JsonException e) {
            return false;
        }
    }

    private record StringValue(String getString) implements JsonString {
        @Override
        public CharSequence getChars() {
            return getString;
        }

        @Override
        public ValueType getValueType() {
            return ValueType.STRING;
        }

        @Override
        public String toString() {
            return '"' + getString + '"';
        }
    }

    private record NumberValue(BigDecimal bigDecimalValue) implements JsonNumber {
        @Override
        public boolean isIntegral() {
            return bigDecimalValue.scale() == 0;
        }

        @Override
        public int intValue() {
            return bigDecimalValue.intValue();
        }

        @Override
        public int intValueExact() {
            return bigDecimalValue.intValueExact();
        }

        @Override
        public long longValue() {
            return bigDecimalValue.longValue();
        }

        @Override
        public long longValueExact() {
            return bigDecimalValue.longValueExact();
        }

        @Override
        public BigInteger bigIntegerValue() {
            return bigDecimalValue.toBigInteger();
        }

        @Override
        public BigInteger bigIntegerValueExact() {
            return bigDecimalValue.toBigIntegerExact();
        }

        @Override
        public double doubleValue() {
            return bigDecimalValue.doubleValue();
        }

        @Override
        public ValueType getValueType() {
            return ValueType.NUMBER;
        }

        @Override
        public String toString() {
            return bigDecimalValue.toString();
        }
    }

    private static final class MapObject extends AbstractMap<String, JsonValue> implements JsonObject {
        private final Map<String, JsonValue> members;

        MapObject(Map<String, JsonValue> members) {
            this.members = Map.copyOf(members);
        }

        @Override
        public Set<Entry<String, JsonValue>> entrySet() {
            return members.entrySet();
        }

        @Override
        public JsonArray getJsonArray(String name) {
            return (JsonArray) get(name);
        }

        @Override
        public JsonObject getJsonObject(String name) {
            return (JsonObject) get(name);
        }

        @Override
        public JsonNumber getJsonNumber(String name) {
            return (JsonNumber) get(name);
        }

        @Override
        public JsonString getJsonString(String name) {
            return (JsonString) get(name);
        }

        @Override
        public String getString(String name) {
            return getJsonString(name).getString();
        }

        @Override
        public String getString(String name, String defaultValue) {
            return get(name) instanceof JsonString s ? s.getString() : defaultValue;
        }

        @Override
        public int getInt(String name) {
            return getJsonNumber(name).intValue();
        }

        @Override
        public int getInt(String name, int defaultValue) {
            return get(name) instanceof JsonNumber n ? n.intValue() : defaultValue;
        }

        @Override
        public boolean getBoolean(String name) {
            var value = get(name);
            if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
                return value == JsonValue.TRUE;
            }
            throw new ClassCastException(name + " is not a boolean");
        }

        @Override
        public boolean getBoolean(String name, boolean defaultValue) {
            var value = get(name);
            return value == JsonValue.TRUE || (value != JsonValue.FALSE && defaultValue);
        }

        @Override
        public boolean isNull(String name) {
            return JsonValue.NULL.equals(members.get(name));
        }

        @Override
        public ValueType getValueType() {
            return ValueType.OBJECT;
        }
    }
}
