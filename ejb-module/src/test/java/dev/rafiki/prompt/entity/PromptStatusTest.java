package dev.rafiki.prompt.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PromptStatusTest {

    PromptStatusConverter converter = new PromptStatusConverter();

    @Test
    void storedAsLowerCaseWireForm() {
        assertEquals("queued", converter.convertToDatabaseColumn(PromptStatus.QUEUED));
        assertEquals("cancelled", converter.convertToDatabaseColumn(PromptStatus.CANCELLED));
        assertEquals(PromptStatus.RUNNING, converter.convertToEntityAttribute("running"));
    }

    @Test
    void everyStatusSurvivesARoundTrip() {
        for (var status : PromptStatus.values()) {
            var column = converter.convertToDatabaseColumn(status);
            assertEquals(status.wire(), column);
            assertEquals(status, converter.convertToEntityAttribute(column));
        }
    }

    @Test
    void nullStaysNull() {
        assertNull(converter.convertToDatabaseColumn(null));
        assertNull(converter.convertToEntityAttribute(null));
    }

    @Test
    void unknownColumnValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> converter.convertToEntityAttribute("done"));
        assertThrows(IllegalArgumentException.class, () -> converter.convertToEntityAttribute(""));
    }

    @Test
    void roundTripDoesNotDependOnTheDefaultLocale() {
        var saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals("running", converter.convertToDatabaseColumn(PromptStatus.RUNNING));
            assertEquals(PromptStatus.RUNNING, converter.convertToEntityAttribute("running"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void onlyFinishedStatusesAreTerminal() {
        var terminal = EnumSet.of(PromptStatus.COMPLETED, PromptStatus.FAILED, PromptStatus.CANCELLED);
        for (var status : PromptStatus.values()) {
            assertEquals(terminal.contains(status), status.terminal(), status.name());
        }
        assertFalse(PromptStatus.QUEUED.terminal());
        assertFalse(PromptStatus.RUNNING.terminal());
        assertTrue(PromptStatus.CANCELLED.terminal());
    }
}
