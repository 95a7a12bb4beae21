package dev.rafiki.budget.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BudgetWindowTest {

    @Test
    void aDayRunsFromMidnightToMidnightUtc() {
        var day = LocalDate.parse("2026-12-01");
        assertEquals(day, BudgetWindow.DAY.first(day));
        assertEquals(LocalDate.parse("2026-12-02"), BudgetWindow.DAY.next(day));
        assertEquals(Instant.parse("2026-12-02T00:00:00Z"), BudgetWindow.DAY.resetsAt(Instant.parse("2026-12-01T17:30:00Z")));
        assertEquals(Instant.parse("2026-12-02T00:00:00Z"), BudgetWindow.DAY.resetsAt(Instant.parse("2026-12-01T00:00:00Z")),
                "the first instant of a day belongs to it");
        assertEquals(Instant.parse("2026-12-02T00:00:00Z"), BudgetWindow.DAY.resetsAt(Instant.parse("2026-12-01T23:59:59.999Z")));
    }

    @Test
    void theDayOfAnInstantIsItsUtcDateWhateverTheServersZone() {
        assertEquals(LocalDate.parse("2026-12-01"), BudgetWindow.day(Instant.parse("2026-12-01T23:59:59Z")));
        assertEquals(LocalDate.parse("2026-12-02"), BudgetWindow.day(Instant.parse("2026-12-02T00:00:00Z")));
    }

    @Test
    void aMonthRunsFromItsFirstDayToTheNextMonthsFirst() {
        assertEquals(LocalDate.parse("2026-12-01"), BudgetWindow.MONTH.first(LocalDate.parse("2026-12-31")));
        assertEquals(LocalDate.parse("2027-01-01"), BudgetWindow.MONTH.next(LocalDate.parse("2026-12-31")),
                "December's window ends with the year");
        assertEquals(LocalDate.parse("2028-03-01"), BudgetWindow.MONTH.next(LocalDate.parse("2028-02-29")), "a leap February");
        assertEquals(LocalDate.parse("2027-03-01"), BudgetWindow.MONTH.next(LocalDate.parse("2027-02-01")));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), BudgetWindow.MONTH.resetsAt(Instant.parse("2026-12-15T08:00:00Z")));
    }

    @Test
    void retryAfterIsRoundedUpToTheReset() {
        assertEquals(1, BudgetWindow.DAY.secondsUntilReset(Instant.parse("2026-12-01T23:59:59.001Z")));
        assertEquals(1, BudgetWindow.DAY.secondsUntilReset(Instant.parse("2026-12-01T23:59:59Z")));
        assertEquals(2, BudgetWindow.DAY.secondsUntilReset(Instant.parse("2026-12-01T23:59:58.5Z")));
        assertEquals(86_400, BudgetWindow.DAY.secondsUntilReset(Instant.parse("2026-12-01T00:00:00Z")));
        assertTrue(BudgetWindow.MONTH.secondsUntilReset(Instant.parse("2026-12-01T00:00:00Z")) == 31 * 86_400L);
    }

    @Test
    void onlyTheWireNamesParse() {
        assertEquals(Optional.of(BudgetWindow.DAY), BudgetWindow.parse("day"));
        assertEquals(Optional.of(BudgetWindow.MONTH), BudgetWindow.parse("month"));
        assertEquals(Optional.empty(), BudgetWindow.parse("DAY"));
        assertEquals(Optional.empty(), BudgetWindow.parse("week"));
        assertEquals(Optional.empty(), BudgetWindow.parse(null));
    }
}
