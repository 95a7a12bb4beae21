package dev.rafiki.platform.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.json.Json;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Test
    void nulAndLoneSurrogatesBecomeTheReplacementCharacter() {
        assertEquals("a\uFFFDb", StorableText.of("a\0b"));
        assertEquals("x\uFFFDy", StorableText.of("x\uD800y"), "a high surrogate without its low half");
        assertEquals("x\uFFFDy", StorableText.of("x\uDC00y"), "a low surrogate without its high half");
        assertEquals("\uFFFD", StorableText.of("\uD83D"), "a high surrogate at the very end");
        assertEquals("\uFFFD\uFFFD", StorableText.of("\uDE00\uD83D"), "halves in the wrong order are two lone ones");
    }

    @Test
    void textThatIsAlreadyStorableIsLeftAsItIs() {
        var text = "emoji \uD83D\uDE00, tab\t, umlaut ä, control \u0001";
        assertSame(text, StorableText.of(text));
        assertNull(StorableText.of(null));
        assertSame(text, StorableText.json(text), "not JSON, nothing to clean");
    }

    @Test
    void jsonEscapesThatDecodeToNulOrALoneSurrogateAreCleanedInsideTheValues() {
        var cleaned = StorableText.json("{\"message\":\"a\\u0000b\",\"list\":[\"\\ud800\",1],\"k\\u0000\":true}");
        var value = Json.createReader(new StringReader(cleaned)).readObject();
        assertEquals("a\uFFFDb", value.getString("message"));
        assertEquals("\uFFFD", value.getJsonArray("list").getString(0));
        assertEquals(1, value.getJsonArray("list").getInt(1));
        assertEquals(true, value.getBoolean("k\uFFFD"));
    }

    @Test
    void jsonWithHarmlessEscapesKeepsItsExactText() {
        var arguments = "{ \"path\" : \"caf\\u00e9.txt\", \"emoji\": \"\\ud83d\\ude00\" }";
        assertSame(arguments, StorableText.json(arguments));
        var broken = "{\"path\": \"a\\u0000";
        assertEquals(broken, StorableText.json(broken), "not JSON: the tool reports it, storing it is harmless");
    }

    @Test
    void aSurrogatePairSplitBetweenTwoPiecesStaysWhole() {
        var pieces = new StorableText.Pieces();
        assertEquals("smile ", pieces.next("smile \uD83D"));
        assertEquals("\uD83D\uDE00!", pieces.next("\uDE00!"));
        assertEquals("", pieces.end());
        assertEquals("cut ", pieces.next("cut \uD83D"));
        assertEquals("\uFFFD", pieces.end(), "a half that no piece completed");
        assertEquals("\uFFFDx", new StorableText.Pieces().next("\uDE00x"));
    }
}
