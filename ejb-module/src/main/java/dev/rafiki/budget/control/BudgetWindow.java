package dev.rafiki.budget.control;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;

/**
 * The calendar windows a budget counts over, in UTC whatever the user's time zone: a day runs from
 * 00:00 UTC, a month from 00:00 UTC on its first day. Spending is stored per UTC day, so a window
 * is a range of days.
 */
public enum BudgetWindow {
    DAY, MONTH;

    public static Optional<BudgetWindow> parse(String text) {
        for (var window : values()) {
            if (window.wire().equals(text)) {
                return Optional.of(window);
            }
        }
        return Optional.empty();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The UTC day {@code at} falls on: the day a prompt's spending is counted on. */
    public static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /** The first day of the window that holds {@code day}. */
    public LocalDate first(LocalDate day) {
        return this == DAY ? day : day.withDayOfMonth(1);
    }

    /** The first day after the window that holds {@code day}. */
    public LocalDate next(LocalDate day) {
        return this == DAY ? day.plusDays(1) : day.withDayOfMonth(1).plusMonths(1);
    }

    /** When the window that holds {@code now} ends, and the budget is whole again. */
    public Instant resetsAt(Instant now) {
        return next(day(now)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Whole seconds until {@link #resetsAt}, rounded up: a client that waits that long finds the new window. */
    public long secondsUntilReset(Instant now) {
        var left = Duration.between(now, resetsAt(now));
        return Math.max(1, left.getSeconds() + (left.getNano() > 0 ? 1 : 0));
    }
}
