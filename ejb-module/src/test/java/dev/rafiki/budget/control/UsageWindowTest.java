package dev.rafiki.budget.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rafiki.platform.problem.ApiException;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class UsageWindowTest {

    static final LocalDate TODAY = LocalDate.parse("2026-12-01");

    static UsageWindow parse(String from, String to) {
        return UsageWindow.parse(from, to, TODAY, 366);
    }

    @Test
    void noBoundsIsNoWindow() {
        assertNull(parse(null, null));
    }

    @Test
    void datesAndMidnightInstantsAreTheSameDays() {
        var dates = parse("2026-11-01", "2026-11-08");
        assertEquals(new UsageWindow(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-08")), dates);
        assertEquals(dates, parse("2026-11-01T00:00:00Z", "2026-11-08T01:00:00+01:00"));
        assertEquals(Instant.parse("2026-11-08T00:00:00Z"), dates.toInstant());
    }

    @Test
    void withoutToTheWindowRunsThroughToday() {
        assertEquals(LocalDate.parse("2026-12-02"), parse("2026-11-01", null).to());
    }

    @Test
    void aBoundInsideADayIsRefusedNotRounded() {
        assertThrows(ApiException.class, () -> parse("2026-11-01T10:00:00Z", null));
        assertThrows(ApiException.class, () -> parse("2026-11-01T00:00:00+01:00", null));
    }

    @Test
    void malformedEmptyReversedOrTooLongWindowsAreRefused() {
        assertThrows(ApiException.class, () -> parse(null, "2026-11-01"));
        assertThrows(ApiException.class, () -> parse("2026-02-30", null));
        assertThrows(ApiException.class, () -> parse("99999-01-01", null));
        assertThrows(ApiException.class, () -> parse("yesterday", null));
        assertThrows(ApiException.class, () -> parse("2026-11-01", "2026-11-01"));
        assertThrows(ApiException.class, () -> parse("2026-11-08", "2026-11-01"));
        assertThrows(ApiException.class, () -> parse("2025-01-01", "2026-01-03"));
        // 366 days, the limit, is still answered
        assertEquals(LocalDate.parse("2026-01-02"), parse("2025-01-01", "2026-01-02").to());
    }
}
