package dev.rafiki.it.support;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of the JSON a hostile client sends, each with the answer Rafiki owes it (README,
 * "JSON in"): nesting around the depth bound and far beyond it, numbers around the length and
 * exponent bounds, NaN and friends, duplicate keys, trailing data and second values, text from
 * every plane of Unicode with NUL, unpaired surrogates and raw control characters, and bytes that
 * are not UTF-8. The expected code is worked out here from the documented rules, independently of
 * the server's code, so a server that reads more or less than it should is caught both ways.
 */
public final class HostileJson {

    /** The defaults of rafiki.json.max-depth, -max-number-length, -max-number-exponent. */
    public static final int MAX_DEPTH = 64;
    public static final int MAX_NUMBER_LENGTH = 100;
    public static final int MAX_EXPONENT = 400;

    public static final String MALFORMED = "malformed-json";
    public static final String TOO_DEEP = "json-too-deep";
    public static final String NUMBER_TOO_LARGE = "json-number-too-large";
    public static final String DUPLICATE_KEY = "json-duplicate-key";
    public static final String INVALID = "validation-failed";

    private HostileJson() {
    }

    /**
     * A body or frame: its bytes; the code of the 400 it must get, or null if the JSON is fine;
     * whether it is then a complete request for {@code POST /query}, {@code /session} and
     * {@code /submit} (an object with a prompt); and the title it sets, to be read back as sent.
     */
    public record Shape(String kind, byte[] bytes, String code, boolean request, String title) {

        /** The text of a shape that is UTF-8 (all but the {@code not-utf8} kind). */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            var text = new String(bytes, StandardCharsets.UTF_8);
            return kind + " -> " + code + ": " + (text.length() > 300 ? text.substring(0, 300) + "… (" + bytes.length + " bytes)" : text);
        }
    }

    /** A JSON value to place somewhere, with what it breaks (null: nothing) and how deep it nests. */
    record Fragment(String kind, String json, String code, int depth, String value) {
    }

    /** Where a fragment goes: its nesting depth there, and the document around it. */
    record Slot(String name, int depth, String before, String after, boolean request) {
        String wrap(String json) {
            return before + json + after;
        }
    }

    static final List<Slot> SLOTS = List.of(
            new Slot("top", 0, "", "", false),
            new Slot("unknown-field", 1, "{\"prompt\":\"fuzz\",\"x_unknown\":", "}", true),
            new Slot("metadata", 2, "{\"prompt\":\"fuzz\",\"metadata\":{\"k\":", "}}", true),
            new Slot("metadata-list", 3, "{\"metadata\":{\"list\":[1,", "]},\"prompt\":\"fuzz\"}", true),
            new Slot("title", 1, "{\"prompt\":\"fuzz\",\"title\":", "}", true));

    /** Every shape, text and bytes: for request bodies. */
    public static Arbitrary<Shape> bodies() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, frames()),
                Tuple.of(2, notUtf8()));
    }

    /** The shapes that are text (a WebSocket text frame is UTF-8 by the protocol). */
    public static Arbitrary<Shape> frames() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, placed()),
                Tuple.of(2, duplicateAtTheTop()),
                Tuple.of(2, trailing()),
                Tuple.of(2, titles()));
    }

    /** Only the shapes that must be refused: each gets exactly one error frame back. */
    public static Arbitrary<Shape> refusedFrames() {
        return frames().filter(shape -> shape.code() != null);
    }

    static Arbitrary<Shape> placed() {
        var fragment = Arbitraries.frequencyOf(
                Tuple.of(4, nested()),
                Tuple.of(4, numbers()),
                Tuple.of(1, notNumbers()),
                Tuple.of(3, strings().map(s -> new Fragment("string", s.json(), s.code(), 0, s.value()))),
                Tuple.of(2, duplicates()),
                Tuple.of(2, keys()));
        return Combinators.combine(Arbitraries.of(SLOTS), fragment).as((slot, f) -> {
            var code = f.code();
            if (code == null && slot.depth() + f.depth() > MAX_DEPTH) {
                code = TOO_DEEP;
            }
            var title = slot.name().equals("title") && code == null && f.kind().equals("string") ? f.value() : null;
            // a title must be a string: any other fragment there is a request the route refuses
            boolean request = slot.request() && code == null && (!slot.name().equals("title") || title != null);
            return new Shape(f.kind() + "@" + slot.name(), utf8(slot.wrap(f.json())), code, request, title);
        });
    }

    /** Arrays and objects nested d deep: mostly around the bound, sometimes far beyond (Parsson's own bound is 1 000). */
    static Arbitrary<Fragment> nested() {
        var depth = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(MAX_DEPTH - 4, MAX_DEPTH + 2)),
                Tuple.of(2, Arbitraries.integers().between(1, 200)),
                Tuple.of(1, Arbitraries.of(999, 1000, 1001, 10_000)));
        var leaf = Arbitraries.of("1", "\"x\"", "null", "true", "[]", "{}");
        return Combinators.combine(depth, Arbitraries.of("[", "{\"a\":", "mixed"), leaf).as((d, open, innermost) -> {
            var json = new StringBuilder();
            var close = new StringBuilder();
            int containers = d;
            for (int i = 0; i < d; i++) {
                boolean array = open.equals("[") || open.equals("mixed") && i % 2 == 0;
                json.append(array ? "[" : "{\"a\":");
                close.insert(0, array ? "]" : "}");
            }
            if (innermost.equals("[]") || innermost.equals("{}")) {
                containers++;
            }
            return new Fragment("nested-" + d, json + innermost + close, null, containers, null);
        });
    }

    /** Numbers by the grammar, their length and exponent around and beyond the bounds. */
    static Arbitrary<Fragment> numbers() {
        var digits = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(1, 20)),
                Tuple.of(3, Arbitraries.integers().between(90, 110)),
                Tuple.of(1, Arbitraries.of(1100, 1101, 5000)));
        var fraction = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 30)));
        var exponent = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.integers().between(0, 20).map(String::valueOf)),
                Tuple.of(3, Arbitraries.integers().between(MAX_EXPONENT - 2, MAX_EXPONENT + 2).map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("2147483647", "2147483648", "999999999", "99999999999999999999",
                        "0000000000000000000001", "00400", "00401")));
        var sign = Arbitraries.of("", "", "-");
        var expSign = Arbitraries.of("", "+", "-");
        var e = Arbitraries.of("e", "E");
        return Combinators.combine(sign, digits, fraction, exponent, expSign, e, Arbitraries.integers().between(1, 9))
                .as((s, intDigits, fractionDigits, exp, es, letter, lead) -> {
                    var text = new StringBuilder(s);
                    text.append(intDigits == 1 ? String.valueOf(lead) : lead + "7".repeat(intDigits - 1));
                    if (fractionDigits > 0) {
                        text.append('.').append("3".repeat(fractionDigits));
                    }
                    if (!exp.isEmpty()) {
                        text.append(letter).append(es).append(exp);
                    }
                    var json = text.toString();
                    boolean tooLarge = json.length() > MAX_NUMBER_LENGTH
                            || !exp.isEmpty() && new BigInteger(exp).compareTo(BigInteger.valueOf(MAX_EXPONENT)) > 0;
                    return new Fragment("number", json, tooLarge ? NUMBER_TOO_LARGE : null, 0, null);
                });
    }

    /** Not numbers in JSON, however common elsewhere. */
    static Arbitrary<Fragment> notNumbers() {
        return Arbitraries.of("NaN", "Infinity", "-Infinity", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "-", "0x1F", "1_000")
                .map(text -> new Fragment("not-a-number", text, MALFORMED, 0, null));
    }

    /** An object naming a key twice, directly or through an escape, among others. */
    static Arbitrary<Fragment> duplicates() {
        var key = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        var others = Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(5).list().uniqueElements().ofMaxSize(4);
        return Combinators.combine(key, others, Arbitraries.of(false, true)).as((k, keys, escaped) -> {
            var again = escaped ? "\\u" + String.format("%04x", (int) k.charAt(0)) + k.substring(1) : k;
            var members = new StringBuilder("{\"" + k + "\":1");
            for (var other : keys) {
                members.append(",\"").append(other).append("\":").append("[]");
            }
            members.append(",\"").append(again).append("\":2}");
            return new Fragment("duplicate-key", members.toString(), DUPLICATE_KEY, keys.isEmpty() ? 1 : 2, null);
        });
    }

    /** {@code prompt} (the field that is run) given twice. */
    static Arbitrary<Shape> duplicateAtTheTop() {
        return Arbitraries.of("{\"prompt\":\"a\",\"prompt\":\"b\"}", "{\"prompt\":\"a\",\"busy\":\"reject\",\"prompt\":\"a\"}",
                        "{\"session_id\":null,\"prompt\":\"x\",\"session_id\":null}", "{\"type\":\"subscribe\",\"type\":\"cancel\"}")
                .map(text -> new Shape("duplicate-key@top", utf8(text), DUPLICATE_KEY, false, null));
    }

    /** A hostile string as a key. */
    static Arbitrary<Fragment> keys() {
        return strings().map(s -> new Fragment("key", "{" + s.json() + ":1}", s.code(), 1, null));
    }

    /** A complete request, then something more than whitespace: junk, a bracket, a second value. */
    static Arbitrary<Shape> trailing() {
        var request = Arbitraries.of("{\"prompt\":\"x\"}", "{\"prompt\":\"x\",\"metadata\":{\"a\":[1,2]}}", "{}", "[]",
                "{\"type\":\"subscribe\",\"scope\":\"user\"}");
        var whitespace = Arbitraries.of("", " ", "\n", "\r\n\t ");
        var more = Arbitraries.oneOf(
                Arbitraries.of("junk", "}", "]", ",", ":", "{}", "[]", "null", "0", "-1", "\"x\"", "true",
                        "{\"prompt\":\"y\"}", "{\"prompt\":\"x\"}", "\u0000", "//", "/* */", "\u00a0", "\ufeff"),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(30));
        return Combinators.combine(request, whitespace, more)
                .as((value, space, rest) -> new Shape("trailing", utf8(value + space + rest), MALFORMED, false, null));
    }

    /** A title of text from every plane, stored and read back as sent, or refused for NUL or an unpaired surrogate. */
    static Arbitrary<Shape> titles() {
        return strings().map(s -> new Shape("title", utf8("{\"prompt\":\"fuzz\",\"title\":" + s.json() + "}"), s.code(),
                s.code() == null, s.code() == null ? s.value() : null));
    }

    /** A JSON string and the text it stands for. */
    public record JsonString(String json, String value, String code) {
    }

    /**
     * Code points of every plane, each written as itself or as a \\u escape (a pair for planes
     * 1-16), and at most one trouble-maker: NUL (escaped), an unpaired surrogate (escaped), a raw
     * control character (not allowed unescaped in JSON).
     */
    public static Arbitrary<JsonString> strings() {
        var codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(3, Arbitraries.integers().between(0x80, 0xd7ff)),
                Tuple.of(2, Arbitraries.integers().between(0xe000, 0xffff)),
                Tuple.of(4, Arbitraries.integers().between(0x10000, 0x10ffff)),
                Tuple.of(1, Arbitraries.of(0x01, 0x09, 0x0a, 0x1f, 0x7f, 0x85, 0x2028, 0xfeff, 0xfffe, 0xffff,
                        0x1f600, 0x10ffff, 0xe0001)));
        var piece = Combinators.combine(codePoint, Arbitraries.of(false, false, true)).as(HostileJson::piece);
        var trouble = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new JsonString("", "", null))),
                Tuple.of(1, Arbitraries.of("\\u0000").map(t -> new JsonString(t, "\u0000", INVALID))),
                Tuple.of(2, Arbitraries.of("\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud83d", "\\ude00")
                        .map(t -> new JsonString(t, "?", MALFORMED))),
                Tuple.of(1, Arbitraries.of("\u0000", "\u0001", "\n", "\t", "\u001f")
                        .map(t -> new JsonString(t, t, MALFORMED))));
        return Combinators.combine(piece.list().ofMaxSize(40), trouble, Arbitraries.integers().between(0, 40))
                .as((pieces, bad, at) -> {
                    var json = new StringBuilder("\"");
                    var value = new StringBuilder();
                    for (int i = 0; i <= pieces.size(); i++) {
                        if (i == Math.min(at, pieces.size())) {
                            json.append(bad.json());
                            value.append(bad.value());
                        }
                        if (i < pieces.size()) {
                            json.append(pieces.get(i).json());
                            value.append(pieces.get(i).value());
                        }
                    }
                    return new JsonString(json.append('"').toString(), value.toString(), bad.code());
                });
    }

    static JsonString piece(int codePoint, boolean escaped) {
        var value = new String(Character.toChars(codePoint));
        if (escaped || codePoint < 0x20 || codePoint == '"' || codePoint == '\\') {
            var json = new StringBuilder();
            for (char c : value.toCharArray()) {
                json.append(String.format("\\u%04x", (int) c));
            }
            return new JsonString(json.toString(), value, null);
        }
        return new JsonString(value, value, null);
    }

    /** A request whose title holds bytes that are not UTF-8: overlong, surrogate, beyond U+10FFFF, cut short, 0xFF. */
    static Arbitrary<Shape> notUtf8() {
        var broken = Arbitraries.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xbf}, new byte[] {(byte) 0xc0, (byte) 0x80},
                new byte[] {(byte) 0xc1, (byte) 0xbf}, new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xed, (byte) 0xbf, (byte) 0xbf},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xfe}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xe2, (byte) 0x82},
                new byte[] {(byte) 0xc3, 'A'}, new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98});
        return Combinators.combine(strings().filter(s -> s.code() == null), broken, Arbitraries.of("title", "prompt", "key"))
                .as((s, bad, where) -> {
                    var out = new ByteArrayOutputStream();
                    var text = s.json().substring(0, s.json().length() - 1);
                    if (where.equals("key")) {
                        out.writeBytes(utf8("{\"prompt\":\"fuzz\",\"metadata\":{" + text));
                        out.writeBytes(bad);
                        out.writeBytes(utf8("\":1}}"));
                    } else {
                        out.writeBytes(utf8("{\"prompt\":\"fuzz\",\"" + where + "\":" + text));
                        out.writeBytes(bad);
                        out.writeBytes(utf8("\"}"));
                    }
                    return new Shape("not-utf8@" + where, out.toByteArray(), MALFORMED, false, null);
                });
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
