package dev.rafiki.platform.http;

import static dev.rafiki.platform.http.TestJson.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonInputTest {

    JsonInput json = new JsonInput(64, 100, 400);

    static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static InputStream bytes(int... values) {
        var data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return new ByteArrayInputStream(data);
    }

    ApiException refused(ErrorCode code, String text) {
        var fromBody = assertThrows(ApiException.class, () -> json.read(bytes(text)), text);
        var fromFrame = assertThrows(ApiException.class, () -> json.read(text), text);
        assertEquals(400, fromBody.status());
        assertEquals(code, fromBody.code(), fromBody.getMessage());
        assertEquals(fromBody.code(), fromFrame.code());
        assertEquals(fromBody.getMessage(), fromFrame.getMessage());
        return fromBody;
    }

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void aBodyIsReadAsTheJsonItHolds() {
        var text = "{\"prompt\":\"hé 😀\",\"n\":[1,-2.5e3,true,false,null],\"o\":{\"k\":\"v\"}}";
        var expected = Json.createReader(new java.io.StringReader(text)).readValue();
        assertEquals(expected, json.read(bytes(text)));
        assertEquals(expected, json.read(text));
        assertEquals(expected, json.read(" \n\t" + text + " \r\n "));
    }

    @Test
    void anyJsonValueIsReadTheRoutesDecideWhatTheyTake() {
        assertEquals(JsonValue.NULL, json.read("null"));
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, json.read("[]"));
        assertEquals(Json.createValue("x"), json.read("\"x\""));
        assertEquals(Json.createValue(new BigDecimal("42")), json.read("42"));
    }

    @Test
    void aByteOrderMarkIsIgnoredAsRfc8259Allows() {
        assertEquals(object("a", 1), json.read(bytes(0xEF, 0xBB, 0xBF, '{', '"', 'a', '"', ':', '1', '}')));
    }

    @Test
    void trailingDataOrASecondValueIsRefused() {
        for (var text : new String[] {"{\"prompt\":\"x\"} junk", "{\"prompt\":\"x\"}{\"prompt\":\"y\"}", "{} []",
                "{}}", "1 2", "\"a\" \"b\"", "null x", "{}\u0000"}) {
            var e = refused(ErrorCode.MALFORMED_JSON, text);
            assertTrue(e.getMessage().startsWith("exactly one JSON value is allowed; more follows it at line 1, column "),
                    e.getMessage());
        }
    }

    @Test
    void somethingThatIsNotJsonIsMalformed() {
        for (var text : new String[] {" ", "{", "{\"a\":", "{\"a\" 1}", "[1,]", "{'a':1}", "NaN", "[NaN]",
                "{\"n\":Infinity}", "-Infinity", "01", "1.", ".5", "+1", "\"\\x\"", "\"a\nb\"", "tru", "<xml/>"}) {
            var e = refused(ErrorCode.MALFORMED_JSON, text);
            assertTrue(e.getMessage().matches("(not valid JSON at line 1, column \\d+|exactly one JSON value is allowed.*|no complete JSON value)"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("Exception") && !e.getMessage().contains("org."), e.getMessage());
        }
    }

    @Test
    void aLongBodyArrivingInUnevenPiecesIsReadWholeWithItsCharactersIntact() {
        // longer than the first buffer, with characters of 2, 3 and 4 bytes across every growth
        var text = "é€😀a".repeat(3_000) + " \u2028 ";
        var utf8 = Json.createObjectBuilder().add("prompt", text).build().toString().getBytes(StandardCharsets.UTF_8);
        var trickle = new InputStream() {
            int at;

            @Override
            public int read() {
                return at < utf8.length ? utf8[at++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                if (at == utf8.length) {
                    return -1;
                }
                int n = Math.min(Math.min(length, 7 + at % 13), utf8.length - at);
                System.arraycopy(utf8, at, into, offset, n);
                at += n;
                return n;
            }
        };
        assertEquals(text, json.read(trickle).asJsonObject().getString("prompt"));
        var withMark = new byte[utf8.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, withMark, 3, utf8.length);
        assertEquals(text, json.read(new ByteArrayInputStream(withMark)).asJsonObject().getString("prompt"),
                "a byte order mark is ignored");
    }

    @Test
    void anEmptyBodyOrFrameHoldsNoValue() {
        var e = assertThrows(ApiException.class, () -> json.read(bytes("")));
        assertEquals(ErrorCode.MALFORMED_JSON, e.code());
        assertEquals("no JSON value: the body is empty", e.getMessage());
        assertEquals(ErrorCode.MALFORMED_JSON, assertThrows(ApiException.class, () -> json.read("")).code());
    }

    @Test
    void nestingUpToTheLimitIsRead() {
        assertEquals(64, depth(json.read(nested(64))));
        assertEquals(64, depth(json.read("{\"metadata\":" + nested(63) + "}")));
    }

    @Test
    void nestingBeyondTheLimitIsRefusedWithTheLimitAndWhere() {
        assertEquals("the JSON is nested deeper than 64 levels (at " + "/0".repeat(60) + "…)",
                refused(ErrorCode.JSON_TOO_DEEP, nested(65)).getMessage());
        assertEquals("the JSON is nested deeper than 64 levels (at " + ("/metadata" + "/a".repeat(63)).substring(0, 120) + "…)",
                refused(ErrorCode.JSON_TOO_DEEP, "{\"metadata\":" + "{\"a\":".repeat(64) + "1" + "}".repeat(65)).getMessage());
        // far deeper than the JSON-P provider's own bound (Parsson: 1000), which fails differently
        refused(ErrorCode.JSON_TOO_DEEP, "{\"prompt\":\"x\",\"unknown\":" + nested(10_000) + "}");
        refused(ErrorCode.JSON_TOO_DEEP, nested(10_000));
        assertEquals("the JSON is nested deeper than 3 levels (at /a/b/c)", assertThrows(ApiException.class,
                () -> new JsonInput(3, 100, 400).read("{\"a\":{\"b\":{\"c\":[]}}}")).getMessage());
    }

    @Test
    void aDeepValueIsRefusedEvenWhenTheLimitIsAboveTheProvidersOwn() {
        var generous = new JsonInput(5000, 100, 400);
        var e = assertThrows(ApiException.class, () -> generous.read(nested(2000)));
        assertEquals(400, e.status());
        assertEquals(ErrorCode.MALFORMED_JSON, e.code());
    }

    @Test
    void numbersWithinTheBoundsAreReadExactly() {
        var digits = "9".repeat(100);
        assertEquals(new BigDecimal(digits), ((JsonNumber) json.read(digits)).bigDecimalValue());
        assertEquals(new BigDecimal("-1.5e400"), ((JsonNumber) json.read("-1.5e400")).bigDecimalValue());
        assertEquals(new BigDecimal("1E-400"), ((JsonNumber) json.read("1E-400")).bigDecimalValue());
        assertEquals(new BigDecimal("1e4"), ((JsonNumber) json.read("1e+0000000000000004")).bigDecimalValue());
        assertEquals(new BigDecimal("4.9e-324"), ((JsonNumber) json.read("4.9e-324")).bigDecimalValue());
        assertEquals(1_000_000_000_000L, ((JsonNumber) json.read("1000000000000")).longValue());
    }

    @Test
    void aNumberWithTooManyCharactersIsRefusedBeforeItIsConverted() {
        assertEquals("the number at /metadata/n has more than 100 characters",
                refused(ErrorCode.JSON_NUMBER_TOO_LARGE, "{\"metadata\":{\"n\":" + "1".repeat(5000) + "}}").getMessage());
        refused(ErrorCode.JSON_NUMBER_TOO_LARGE, "1".repeat(101));
        refused(ErrorCode.JSON_NUMBER_TOO_LARGE, "0." + "0".repeat(99));
        refused(ErrorCode.JSON_NUMBER_TOO_LARGE, "[" + "1".repeat(1_000_000) + "]");
    }

    @Test
    void aNumberWithAnExponentBeyondTheBoundIsRefusedBeforeItIsConverted() {
        assertEquals("the number at /metadata/n has an exponent beyond ±400",
                refused(ErrorCode.JSON_NUMBER_TOO_LARGE, "{\"metadata\":{\"n\":1e2147483648}}").getMessage());
        for (var text : new String[] {"1e401", "1E-401", "1e+401", "-0.5e999999999", "1e99999999999999999999", "[0e401]"}) {
            refused(ErrorCode.JSON_NUMBER_TOO_LARGE, text);
        }
    }

    @Test
    void aKeyTwiceInOneObjectIsRefusedNotSilentlyResolved() {
        assertEquals("the key 'prompt' appears twice in the object at the top level",
                refused(ErrorCode.JSON_DUPLICATE_KEY, "{\"prompt\":\"a\",\"prompt\":\"b\"}").getMessage());
        assertEquals("the key 'a' appears twice in the object at /metadata/list/1",
                refused(ErrorCode.JSON_DUPLICATE_KEY, "{\"metadata\":{\"list\":[{},{\"a\":1,\"b\":2,\"a\":1}]}}").getMessage());
        // the same key in different objects is fine, and escapes name the same key
        assertEquals(2, json.read("[{\"a\":1},{\"a\":1}]").asJsonArray().size());
        refused(ErrorCode.JSON_DUPLICATE_KEY, "{\"a\":1,\"\\u0061\":2}");
    }

    @Test
    void theNulCharacterIsRefusedAnywhereBecausePostgresCannotStoreIt() {
        assertEquals("a string at /prompt contains the NUL character (\\u0000), which cannot be stored",
                refused(ErrorCode.VALIDATION_FAILED, "{\"prompt\":\"a\\u0000b\"}").getMessage());
        assertEquals("a key at /metadata contains the NUL character (\\u0000), which cannot be stored",
                refused(ErrorCode.VALIDATION_FAILED, "{\"metadata\":{\"\\u0000\":1}}").getMessage());
        refused(ErrorCode.VALIDATION_FAILED, "[\"\\u0000\"]");
        assertEquals(object("a", "tab\there"), json.read("{\"a\":\"tab\\there\"}"));
    }

    @Test
    void anUnpairedSurrogateIsNotTextAndIsRefused() {
        assertEquals("a string at /title contains an unpaired surrogate (\\ud800), which is not Unicode text",
                refused(ErrorCode.MALFORMED_JSON, "{\"title\":\"\\ud800\"}").getMessage());
        for (var text : new String[] {"\"\\udc00\"", "\"a\\ud800b\"", "\"\\udc00\\ud800\"", "\"\\ud800\\ud800\"",
                "{\"\\udfff\":1}", "[\"x\\ud83d\"]"}) {
            refused(ErrorCode.MALFORMED_JSON, text);
        }
    }

    @Test
    void aDetailNamesTheKeyReadablyAndShort() {
        assertEquals("the key 'line\\u000abreak' appears twice in the object at /a\\u0009b",
                refused(ErrorCode.JSON_DUPLICATE_KEY, "{\"a\\tb\":{\"line\\nbreak\":1,\"line\\nbreak\":2}}").getMessage());
        var longKey = "k".repeat(39) + "😀" + "k".repeat(100);
        assertEquals("the key '" + "k".repeat(39) + "…' appears twice in the object at the top level",
                refused(ErrorCode.JSON_DUPLICATE_KEY, "{\"" + longKey + "\":1,\"" + longKey + "\":2}").getMessage());
    }

    @Test
    void everyPlaneOfUnicodeIsReadAsIs() {
        var text = "A é 中 😀 \uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08 \uDB40\uDC01 \uDBFF\uDFFF \uFFFF \uFFFE";
        assertEquals(Json.createValue(text), json.read(bytes(Json.createValue(text).toString())));
        assertEquals(Json.createValue("😀"), json.read("\"\\ud83d\\ude00\""));
        assertEquals(Json.createValue("\uDBFF\uDFFF"), json.read("\"\\udbff\\udfff\""));
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        var detail = "not valid UTF-8 (JSON is always UTF-8)";
        // a lone continuation byte, an overlong '/', a surrogate encoded in three bytes, a cut sequence, 0xFF
        int[][] broken = {{'"', 0x80, '"'}, {'"', 0xC0, 0xAF, '"'}, {'"', 0xED, 0xA0, 0x80, '"'}, {'"', 0xE2, 0x82},
            {0xFF, 0xFE, '{', 0, '}', 0}, {'{', '"', 'a', '"', ':', '"', 0xF8, 0x88, 0x80, 0x80, 0x80, '"', '}'}};
        for (var bytes : broken) {
            var e = assertThrows(ApiException.class, () -> json.read(bytes(bytes)));
            assertEquals(ErrorCode.MALFORMED_JSON, e.code());
            assertEquals(detail, e.getMessage());
        }
        var first = assertThrows(ApiException.class, () -> json.read(bytes(0xFF)));
        assertEquals(detail, first.getMessage());
    }

    @Test
    void theEdgesRefusalOfAnOversizedBodyPassesThrough() {
        var tooLarge = new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than 10 bytes");
        var body = new InputStream() {
            int sent;

            @Override
            public int read() {
                if (sent++ < 10) {
                    return sent == 1 ? '[' : ' ';
                }
                throw tooLarge;
            }
        };
        assertSame(tooLarge, assertThrows(ApiException.class, () -> json.read(body)));
    }

    static int depth(JsonValue value) {
        return switch (value.getValueType()) {
            case ARRAY -> 1 + value.asJsonArray().stream().mapToInt(JsonInputTest::depth).max().orElse(0);
            case OBJECT -> 1 + value.asJsonObject().values().stream().mapToInt(JsonInputTest::depth).max().orElse(0);
            default -> 0;
        };
    }
}
