package dev.rafiki.platform.http;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The one door for JSON from clients: every request body ({@link JsonBodyReader}) and every
 * WebSocket text frame is read here, with a streaming parser, and checked while it is read, before
 * anything is built from it. Accepted is exactly one JSON value (whitespace around it, nothing
 * else) that is also I-JSON (RFC 7493) and fits Rafiki's bounds:
 * <ul>
 * <li>UTF-8 only, and every string and key valid Unicode: an unpaired surrogate, even written as
 * an escape ({@code "\ud800"}), would reach PostgreSQL as a silent '?' ({@code malformed-json});
 * <li>no NUL character in any string or key: PostgreSQL cannot store it in text
 * ({@code validation-failed});
 * <li>no key twice in one object: parsers disagree on which one counts (first or last), so a
 * proxy and Rafiki could read two different requests from one body ({@code json-duplicate-key});
 * <li>nesting at most {@code rafiki.json.max-depth} levels ({@code json-too-deep});
 * <li>a number at most {@code rafiki.json.max-number-length} characters with an exponent within
 * ± {@code rafiki.json.max-number-exponent} ({@code json-number-too-large}): checked on its text,
 * before it is converted: {@code 1e2147483648} fails to convert, a number of thousands of digits
 * fails in the JSON-P provider, and turning {@code 1e999999999} into a {@code long} (a cursor
 * such as {@code after}) would take hours of CPU.
 * </ul>
 * Every refusal is a 400 {@link ApiException} naming the limit and where in the value it was hit
 * (a JSON Pointer). Bodies are already bounded in bytes by the edge filter.
 */
@Dependent
public class JsonInput {

    /** Looked up once: each {@code Json.createXxx} call looks the provider up again. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_POINTER_LENGTH = 120;

    private final int maxDepth;
    private final int maxNumberLength;
    private final int maxExponent;

    @Inject
    public JsonInput(HttpSettings settings) {
        this(settings.jsonMaxDepth, settings.jsonMaxNumberLength, settings.jsonMaxNumberExponent);
    }

    public JsonInput(int maxDepth, int maxNumberLength, int maxExponent) {
        this.maxDepth = maxDepth;
        this.maxNumberLength = maxNumberLength;
        this.maxExponent = maxExponent;
    }

    /** A request body, decoded as UTF-8: RFC 8259 allows no other encoding between systems. */
    public JsonValue read(InputStream body) {
        String text;
        try {
            var bytes = readAll(body);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw notUtf8();
        } catch (IOException e) {
            throw malformed("the body could not be read to its end");
        }
        if (text.isEmpty()) {
            throw malformed("no JSON value: the body is empty");
        }
        // RFC 8259 lets a parser ignore a byte order mark; some Windows tools send one
        return parse(new StringReader(text.charAt(0) == '\uFEFF' ? text.substring(1) : text));
    }

    /**
     * The whole body, in a buffer that grows from a size most bodies fit: a reader over the stream
     * took 16 kB of buffers per request for bodies of a few hundred bytes. The edge filter bounds
     * the body's length before it gets here.
     */
    static ByteBuffer readAll(InputStream body) throws IOException {
        var buffer = new byte[512];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int read = body.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return ByteBuffer.wrap(buffer, 0, length);
            }
            length += read;
        }
    }

    /** A WebSocket text frame (already text: the container checked its UTF-8). */
    public JsonValue read(String text) {
        return parse(new StringReader(text));
    }

    private JsonValue parse(Reader text) {
        // closing hands the parser's buffers back to the provider's pool
        try (var parser = JSON.createParser(text)) {
            var walk = new Walk(parser);
            var value = walk.value(walk.next(), 1);
            if (walk.more()) {
                throw malformed("exactly one JSON value is allowed; more follows it at "
                        + position(parser.getLocation()));
            }
            return value;
        }
    }

    private final class Walk {
        private final JsonParser parser;
        /** Where the walk is: member names and array indexes, for the detail of a refusal. */
        private final List<Object> path = new ArrayList<>();

        Walk(JsonParser parser) {
            this.parser = parser;
        }

        /**
         * The parser's next event. The JSON-P provider refuses some input with plain runtime
         * exceptions (Parsson: nesting beyond its own bound), so every failure of the parser
         * itself is the input's fault; the edge filter's 413 (an {@link ApiException} from the
         * body stream) passes through.
         */
        JsonParser.Event next() {
            try {
                if (!parser.hasNext()) {
                    throw malformed("no complete JSON value");
                }
                return parser.next();
            } catch (ApiException e) {
                throw e;
            } catch (RuntimeException e) {
                throw malformed(e, parser);
            }
        }

        boolean more() {
            try {
                return parser.hasNext();
            } catch (ApiException e) {
                throw e;
            } catch (RuntimeException e) {
                return true; // the parser found something that is not the end: more than one value
            }
        }

        JsonValue value(JsonParser.Event event, int depth) {
            return switch (event) {
                case START_OBJECT -> object(deeper(depth));
                case START_ARRAY -> array(deeper(depth));
                case VALUE_STRING -> JSON.createValue(text(parser.getString(), "a string"));
                case VALUE_NUMBER -> JSON.createValue(number(parser.getString()));
                case VALUE_TRUE -> JsonValue.TRUE;
                case VALUE_FALSE -> JsonValue.FALSE;
                case VALUE_NULL -> JsonValue.NULL;
                default -> throw malformed("unexpected " + event + " at " + pointer());
            };
        }

        private int deeper(int depth) {
            if (depth > maxDepth) {
                throw new ApiException(ErrorCode.JSON_TOO_DEEP,
                        "the JSON is nested deeper than " + maxDepth + " levels (at " + pointer() + ")");
            }
            return depth + 1;
        }

        private JsonValue object(int depth) {
            JsonObjectBuilder object = JSON.createObjectBuilder();
            var keys = new HashSet<String>();
            for (var event = next(); event != JsonParser.Event.END_OBJECT; event = next()) {
                var key = text(parser.getString(), "a key");
                if (!keys.add(key)) {
                    throw new ApiException(ErrorCode.JSON_DUPLICATE_KEY,
                            "the key " + quoted(key) + " appears twice in the object at " + pointer());
                }
                path.add(key);
                object.add(key, value(next(), depth));
                path.remove(path.size() - 1);
            }
            return object.build();
        }

        private JsonValue array(int depth) {
            JsonArrayBuilder array = JSON.createArrayBuilder();
            int index = 0;
            for (var event = next(); event != JsonParser.Event.END_ARRAY; event = next()) {
                path.add(index++);
                array.add(value(event, depth));
                path.remove(path.size() - 1);
            }
            return array.build();
        }

        private String text(String text, String what) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\u0000') {
                    throw ApiException.invalid(what + " at " + pointer()
                            + " contains the NUL character (\\u0000), which cannot be stored");
                }
                if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        i++;
                    } else {
                        throw malformed(what + " at " + pointer() + " contains an unpaired surrogate (\\u"
                                + Integer.toHexString(c) + "), which is not Unicode text");
                    }
                }
            }
            return text;
        }

        /** The JSON-P parser has checked the grammar: -?digits(.digits)?([eE][+-]?digits)?. */
        private BigDecimal number(String text) {
            if (text.length() > maxNumberLength) {
                throw numberTooLarge("has more than " + maxNumberLength + " characters");
            }
            int e = Math.max(text.indexOf('e'), text.indexOf('E'));
            if (e >= 0) {
                int start = e + 1;
                if (text.charAt(start) == '+' || text.charAt(start) == '-') {
                    start++;
                }
                while (start < text.length() - 1 && text.charAt(start) == '0') {
                    start++;
                }
                // more than nine digits cannot be an int, and are beyond any sane bound anyway
                if (text.length() - start > 9 || Integer.parseInt(text, start, text.length(), 10) > maxExponent) {
                    throw numberTooLarge("has an exponent beyond ±" + maxExponent);
                }
            }
            return new BigDecimal(text);
        }

        private ApiException numberTooLarge(String what) {
            return new ApiException(ErrorCode.JSON_NUMBER_TOO_LARGE, "the number at " + pointer() + " " + what);
        }

        /** RFC 6901 JSON Pointer of where the walk is, shortened for a problem's detail. */
        private String pointer() {
            if (path.isEmpty()) {
                return "the top level";
            }
            var pointer = new StringBuilder();
            for (var segment : path) {
                pointer.append('/').append(segment.toString().replace("~", "~0").replace("/", "~1"));
                if (pointer.length() > MAX_POINTER_LENGTH) {
                    break;
                }
            }
            return shortened(pointer.toString(), MAX_POINTER_LENGTH);
        }
    }

    private static String quoted(String key) {
        return "'" + shortened(key, 40) + "'";
    }

    /**
     * At most {@code max} characters (never half a surrogate pair), control characters escaped:
     * they would make a detail unreadable; the problem's JSON form escapes the rest.
     */
    private static String shortened(String text, int max) {
        int end = text.length() <= max ? text.length() : Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        var out = new StringBuilder(end + 8);
        text.substring(0, end).codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return end < text.length() ? out.append('…').toString() : out.toString();
    }

    private static ApiException malformed(String detail) {
        return new ApiException(ErrorCode.MALFORMED_JSON, detail);
    }

    private static ApiException malformed(RuntimeException e, JsonParser parser) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return notUtf8();
            }
        }
        // the position only: the parser's own message may name its insides
        var location = e instanceof JsonParsingException parsing ? parsing.getLocation() : parser.getLocation();
        return malformed("not valid JSON at " + position(location));
    }

    private static String position(JsonLocation location) {
        return location == null ? "an unknown position"
                : "line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    private static ApiException notUtf8() {
        return malformed("not valid UTF-8 (JSON is always UTF-8)");
    }
}
