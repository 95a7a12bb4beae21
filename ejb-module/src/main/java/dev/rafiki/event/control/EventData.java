package dev.rafiki.event.control;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes an event's {@code data} object straight to text. Events are written on the hot path (a
 * text delta every 25 ms of every running prompt), so no JSON-P tree is built and nothing is
 * looked up by reflection: each {@link SessionEvent} names its fields here, in order. The text is
 * the one JSON-P (Parsson) gives for the same object, byte for byte (the same escapes, numbers as
 * {@code toString}), so stored events read the same as before the catalogue; {@code
 * EventDataTest} holds it to that.
 */
public final class EventData {

    /** Something written as a JSON object: an event's data, or an object nested in it. */
    public interface Fields {
        void write(EventData data);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder json = new StringBuilder(96);
    /** What goes before the next member of the object being written: '{' before its first. */
    private char separator;

    private EventData() {
    }

    /** The object's text. */
    public static String of(Fields fields) {
        var data = new EventData();
        data.object(fields);
        return data.json.toString();
    }

    public EventData add(String name, String value) {
        string(name(name), value);
        return this;
    }

    /** Leaves the member out when the value is null. */
    public EventData addIfPresent(String name, String value) {
        return value == null ? this : add(name, value);
    }

    public EventData add(String name, UUID value) {
        name(name).append('"').append(value.toString()).append('"');
        return this;
    }

    public EventData add(String name, long value) {
        name(name).append(value);
        return this;
    }

    public EventData add(String name, boolean value) {
        name(name).append(value);
        return this;
    }

    /** An instant as ISO-8601 text ({@link Instant#toString()}). */
    public EventData add(String name, Instant value) {
        return add(name, value.toString());
    }

    /** Any JSON value, as JSON-P writes it. */
    public EventData add(String name, JsonValue value) {
        name(name).append(value.toString());
        return this;
    }

    /** Leaves the member out when the value is null. */
    public EventData addIfPresent(String name, JsonValue value) {
        return value == null ? this : add(name, value);
    }

    /** A nested object; left out when null. */
    public EventData addIfPresent(String name, Fields value) {
        if (value != null) {
            name(name);
            object(value);
        }
        return this;
    }

    public EventData add(String name, List<? extends Fields> values) {
        name(name).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            object(values.get(i));
        }
        json.append(']');
        return this;
    }

    private void object(Fields fields) {
        separator = '{';
        fields.write(this);
        json.append(separator == '{' ? "{}" : "}");
        separator = ',';
    }

    /** Names are the catalogue's own literals (lower case, digits, '_'): written as they are. */
    private StringBuilder name(String name) {
        json.append(separator).append('"').append(name).append("\":");
        separator = ',';
        return json;
    }

    /** Escaped as JSON-P escapes: '"', '\' and the control characters, nothing else. */
    private static void string(StringBuilder json, String value) {
        if (value == null) {
            // as JSON-P's builder: a required member is never silently dropped
            throw new NullPointerException("an event's string member is null");
        }
        json.append('"');
        int start = 0;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            json.append(value, start, i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            start = i + 1;
        }
        json.append(value, start, length).append('"');
    }
}
