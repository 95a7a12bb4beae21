package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void readsTheThreeFormsOfASingleRange() throws Exception {
        assertEquals(new ByteRange(0, 9), ByteRange.parse("bytes=0-9", 100));
        assertEquals(new ByteRange(90, 99), ByteRange.parse("bytes=90-", 100));
        assertEquals(new ByteRange(95, 99), ByteRange.parse("bytes=-5", 100));
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=-500", 100));
        assertEquals(new ByteRange(50, 99), ByteRange.parse("bytes=50-5000", 100));
        assertEquals(10, ByteRange.parse("bytes=0-9", 100).length());
    }

    @Test
    void whatItCannotServeAsOneRangeIsAnsweredInFull() throws Exception {
        assertNull(ByteRange.parse("bytes=0-1,5-6", 100));
        assertNull(ByteRange.parse("items=0-1", 100));
        assertNull(ByteRange.parse("bytes=9-1", 100));
        assertNull(ByteRange.parse("bytes=-", 100));
        assertNull(ByteRange.parse("bytes=99999999999999999999-", 100));
    }

    @Test
    void aRangeOutsideTheContentIsUnsatisfiable() {
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-0", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=0-", 0));
    }

    @Test
    void ifNoneMatchComparesWeakly() {
        assertTrue(ByteRange.matches("\"abc\"", "\"abc\""));
        assertTrue(ByteRange.matches("W/\"abc\"", "\"abc\""));
        assertTrue(ByteRange.matches("\"x\", \"abc\"", "\"abc\""));
        assertTrue(ByteRange.matches("*", "\"abc\""));
        assertFalse(ByteRange.matches("\"abd\"", "\"abc\""));
    }
}
