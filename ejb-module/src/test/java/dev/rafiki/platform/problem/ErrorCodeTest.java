package dev.rafiki.platform.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void wireFormIsKebabCase() {
        assertEquals("validation-failed", ErrorCode.VALIDATION_FAILED.wire());
        assertEquals("idempotency-key-reused", ErrorCode.IDEMPOTENCY_KEY_REUSED.wire());
        assertEquals("forbidden", ErrorCode.FORBIDDEN.wire());
        for (var code : ErrorCode.values()) {
            assertTrue(code.wire().matches("[a-z]+(-[a-z]+)*"), code.wire());
        }
    }

    @Test
    void wireFormsAndTitlesAreUnique() {
        var wires = new HashSet<String>();
        var titles = new HashSet<String>();
        for (var code : ErrorCode.values()) {
            assertTrue(wires.add(code.wire()), "duplicate code " + code.wire());
            assertTrue(titles.add(code.title()), "duplicate title " + code.title());
            assertFalse(code.title().isBlank(), code + " has no title");
        }
        assertEquals(ErrorCode.values().length, wires.size());
    }

    @Test
    void wireFormDoesNotDependOnTheDefaultLocale() {
        var saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals("internal-error", ErrorCode.INTERNAL_ERROR.wire());
            assertTrue(Arrays.stream(ErrorCode.values()).allMatch(c -> c.wire().matches("[a-z-]+")));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
