package dev.rafiki.budget.control;

import dev.rafiki.platform.problem.ApiException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A window of whole UTC days, {@code from} inclusive, {@code to} exclusive, over which a user's
 * spending is added up. Spending is stored per UTC day, so a bound inside a day could only be
 * answered by counting too much or too little: such a bound is refused rather than rounded.
 */
public record UsageWindow(LocalDate from, LocalDate to) {

    /**
     * @param fromText an ISO date ({@code 2026-11-01}) or an RFC 3339 instant at 00:00 UTC; null: no window
     * @param toText   the same, exclusive; null: up to now (the end of today, UTC)
     * @param today    the current UTC day
     * @param maxDays  the longest window a caller may ask for
     * @return null when neither bound is given
     */
    public static UsageWindow parse(String fromText, String toText, LocalDate today, int maxDays) {
        if (fromText == null && toText == null) {
            return null;
        }
        if (fromText == null) {
            throw ApiException.invalid("'to' needs 'from'");
        }
        var from = day(fromText, "from");
        var to = toText == null ? today.plusDays(1) : day(toText, "to");
        if (!from.isBefore(to)) {
            throw ApiException.invalid("'from' must be before 'to' ('to' is exclusive)");
        }
        if (from.plusDays(maxDays).isBefore(to)) {
            throw ApiException.invalid("a usage window spans at most " + maxDays + " days (rafiki.usage.max-window-days)");
        }
        return new UsageWindow(from, to);
    }

    private static LocalDate day(String text, String name) {
        if (text.length() > 64) {
            throw ApiException.invalid("'" + name + "' must be a date such as 2026-11-01 or a time at 00:00 UTC");
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text) : startOfDay(OffsetDateTime.parse(text).toInstant(), name);
        } catch (DateTimeException e) {
            throw ApiException.invalid("'" + name + "' must be a date such as 2026-11-01 or an RFC 3339 time at "
                    + "00:00 UTC such as 2026-11-01T00:00:00Z");
        }
    }

    private static LocalDate startOfDay(Instant at, String name) {
        var day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        if (!day.atStartOfDay(ZoneOffset.UTC).toInstant().equals(at)) {
            throw ApiException.invalid("'" + name + "' must fall on 00:00 UTC: usage is counted per UTC day");
        }
        return day;
    }

    public Instant fromInstant() {
        return from.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public Instant toInstant() {
        return to.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
