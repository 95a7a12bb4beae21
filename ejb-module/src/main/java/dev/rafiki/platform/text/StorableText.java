package dev.rafiki.platform.text;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * Text as PostgreSQL stores it. A model or a tool may produce any character, but a {@code text}
 * column refuses U+0000, and a lone UTF-16 surrogate (half of a pair, such as U+D800, which a
 * model's JSON may carry as an escape) has no UTF-8 form at all. Both become U+FFFD, the replacement
 * character, which is also what a UTF-8 decoder makes of bytes that are not text: what a run
 * produced is stored on the first try, and a reader sees where something was replaced.
 */
public final class StorableText {

    public static final char REPLACEMENT = '\uFFFD';

    private StorableText() {
    }

    /** {@code text} with U+0000 and lone surrogates replaced; the same instance when there are none. */
    public static String of(String text) {
        if (text == null || clean(text)) {
            return text;
        }
        var out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (c == '\0' || Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * JSON text (a tool call's arguments) cleaned as {@link #of} does, and its string escapes too:
     * the escape of U+0000 is storable as JSON text, but not once a tool has decoded it into a
     * value it stores (a job's progress message). Text that is not JSON is only cleaned: the tool says it
     * is not JSON.
     */
    public static String json(String text) {
        var cleaned = of(text);
        if (cleaned == null || cleaned.indexOf("\\u") < 0) {
            return cleaned;
        }
        JsonValue value;
        try (var reader = Json.createReader(new StringReader(cleaned))) {
            value = reader.readValue();
        } catch (JsonException e) {
            return cleaned;
        }
        var storable = storable(value);
        return storable == value ? cleaned : storable.toString();
    }

    /** Cleans text that arrives in pieces: a surrogate pair split between two pieces stays whole. */
    public static final class Pieces {
        private String held = "";

        public String next(String piece) {
            var text = held + piece;
            held = "";
            if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
                held = text.substring(text.length() - 1);
                text = text.substring(0, text.length() - 1);
            }
            return of(text);
        }

        /** What is still held back once no piece follows: a lone surrogate, hence U+FFFD, or nothing. */
        public String end() {
            var rest = held;
            held = "";
            return of(rest);
        }
    }

    private static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (c == '\0' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The same instance when nothing in it needed cleaning. */
    private static JsonValue storable(JsonValue value) {
        switch (value.getValueType()) {
            case STRING -> {
                var string = ((JsonString) value).getString();
                var cleaned = of(string);
                return cleaned.equals(string) ? value : Json.createValue(cleaned);
            }
            case OBJECT -> {
                var object = (JsonObject) value;
                var builder = Json.createObjectBuilder();
                boolean changed = false;
                for (var entry : object.entrySet()) {
                    var key = of(entry.getKey());
                    var member = storable(entry.getValue());
                    changed |= !key.equals(entry.getKey()) || member != entry.getValue();
                    builder.add(key, member);
                }
                return changed ? builder.build() : value;
            }
            case ARRAY -> {
                var array = (JsonArray) value;
                var builder = Json.createArrayBuilder();
                boolean changed = false;
                for (var element : array) {
                    var item = storable(element);
                    changed |= item != element;
                    builder.add(item);
                }
                return changed ? builder.build() : value;
            }
            default -> {
                return value;
            }
        }
    }
}
