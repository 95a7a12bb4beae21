package dev.rafiki.job.boundary;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.regex.Pattern;

/** A delayed job's {@code run_at}: an RFC 3339 timestamp, not further ahead than the operator allows. */
public final class RunAt {

    /**
     * RFC 3339's date-time (section 5.6) exactly: four-digit year, an offset or Z, at most
     * nanoseconds. java.time alone also reads "+99999-01-01T00:00Z" and offsets without a colon.
     */
    private static final Pattern RFC_3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private RunAt() {
    }

    public static Instant parse(String text) {
        if (text == null || text.length() > 40 || !RFC_3339.matcher(text).matches()) {
            throw new ApiException(ErrorCode.INVALID_RUN_AT,
                    "'run_at' must be an RFC 3339 timestamp such as 2026-12-01T09:30:00Z or 2026-12-01T10:30:00+01:00");
        }
        try {
            return OffsetDateTime.parse(text.replace(' ', 'T').replace('t', 'T').replace('z', 'Z')).toInstant();
        } catch (DateTimeException e) {
            throw new ApiException(ErrorCode.INVALID_RUN_AT, "'run_at' is not a valid date and time: " + text);
        }
    }

    /**
     * @return the instant to hold the job until, or null when {@code runAt} is not in the future
     *         (the job is queued at once)
     */
    public static Instant bounded(Instant runAt, Instant now, Duration maxDelay) {
        if (runAt == null || !runAt.isAfter(now)) {
            return null;
        }
        if (Duration.between(now, runAt).compareTo(maxDelay) > 0) {
            throw new ApiException(ErrorCode.INVALID_RUN_AT, "'run_at' is more than " + maxDelay
                    + " ahead (rafiki.jobs.max-delay)");
        }
        return runAt;
    }
}
