package dev.rafiki.schedule.control;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A cron expression read as wall-clock times in a time zone, and the instants it ticks at.
 *
 * <p>Five fields ({@code minute hour day-of-month month day-of-week}, Unix cron) or six with
 * seconds first (Spring's form). cron-utils finds the next matching wall-clock time on a calendar
 * without daylight saving (UTC); java.time then places it in the zone:
 * <ul>
 *   <li>a wall time that does not exist (the spring-forward gap) runs once, moved later by the
 *   length of the gap ({@link ZonedDateTime#ofLocal}: 02:30 in Europe/Berlin on the last Sunday
 *   of March runs at 03:30 CEST);</li>
 *   <li>a wall time that occurs twice (the fall-back overlap) runs once, at its first occurrence
 *   (the earlier offset); the repeated hour's ticks are not run again.</li>
 * </ul>
 * So tick instants strictly increase and each is a distinct idempotency key.
 */
public final class CronSchedule {

    /** Longest expression accepted; real ones are a few dozen characters. */
    public static final int MAX_LENGTH = 200;
    /** Ticks looked at to find the shortest interval (see {@link #shortestInterval}). */
    static final int SAMPLED_TICKS = 1000;
    /** How far past the first tick {@link #shortestInterval} looks: a week and a day of matching days. */
    static final Duration SAMPLED_SPAN = Duration.ofDays(8);

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime wallClock;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime wallClock) {
        this.expression = expression;
        this.zone = zone;
        this.wallClock = wallClock;
    }

    /** Thrown for an expression that is not one this class reads, with a reason fit for the client. */
    public static final class InvalidCron extends IllegalArgumentException {
        InvalidCron(String message) {
            super(message);
        }
    }

    /** Thrown for a time zone that is not an IANA region (or a fixed offset) java.time knows. */
    public static final class InvalidZone extends IllegalArgumentException {
        InvalidZone(String message) {
            super(message);
        }
    }

    public static CronSchedule parse(String expression, String timezone) {
        return new CronSchedule(expression, zone(timezone), executionTime(expression));
    }

    public static ZoneId zone(String timezone) {
        if (timezone == null || timezone.isBlank() || timezone.length() > 64) {
            throw new InvalidZone("'timezone' must be an IANA time zone such as Europe/Berlin or UTC");
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new InvalidZone("unknown time zone '" + timezone + "'; use an IANA name such as Europe/Berlin or UTC");
        }
    }

    private static ExecutionTime executionTime(String expression) {
        if (expression == null || expression.isBlank() || expression.length() > MAX_LENGTH) {
            throw new InvalidCron("'cron' must be a cron expression of 5 fields (or 6 with seconds first), "
                    + "at most " + MAX_LENGTH + " characters");
        }
        var fields = expression.strip().split("\\s+");
        var parser = switch (fields.length) {
            case 5 -> UNIX;
            case 6 -> WITH_SECONDS;
            default -> throw new InvalidCron("'cron' has " + fields.length
                    + " fields; use 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)");
        };
        try {
            var cron = parser.parse(String.join(" ", fields));
            cron.validate();
            return ExecutionTime.forCron(cron);
        } catch (IllegalArgumentException e) {
            throw new InvalidCron("'cron' is not a valid expression: " + e.getMessage());
        } catch (RuntimeException e) {
            // cron-utils throws a few other kinds on odd input; none of them may become a 500
            throw new InvalidCron("'cron' is not a valid expression");
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first tick strictly after {@code after}; empty if there is none (e.g. 30 February). */
    public Optional<Instant> nextAfter(Instant after) {
        // ticks are whole seconds; cron-utils would carry a fraction of the cursor into its answer
        var wall = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS);
        var transition = zone.getRules().getTransition(wall);
        if (transition != null && transition.isOverlap()
                && zone.getRules().getOffset(after).equals(transition.getOffsetAfter())) {
            // inside the repeated hour, on its second pass: its wall times were run on the first
            wall = transition.getDateTimeBefore().minusSeconds(1);
        }
        var cursor = wall.atZone(ZoneOffset.UTC);
        // one step normally; a second only if a rounding at an overlap's edge lands on or before `after`
        for (int step = 0; step < 4; step++) {
            Optional<ZonedDateTime> next;
            try {
                next = wallClock.nextExecution(cursor);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            if (next.isEmpty()) {
                return Optional.empty();
            }
            var at = ZonedDateTime.ofLocal(next.get().toLocalDateTime(), zone, null).toInstant();
            if (at.isAfter(after)) {
                return Optional.of(at);
            }
            cursor = next.get();
        }
        return Optional.empty();
    }

    /**
     * The shortest time between two consecutive ticks among the next {@value #SAMPLED_TICKS}
     * after {@code from}, looking at most {@link #SAMPLED_SPAN} past the first. Fields are a
     * product of sets, so the closest ticks of an expression (within a day, or from one matching
     * day to the next) show up on its first matching days; the bounds keep a rare expression
     * (29 February) from costing seconds of CPU per request. A close pair that only occurs on rare
     * days (a Sunday 23:59 followed by 1 January 00:00) goes unseen; it cannot make a schedule
     * tick often, which is what the minimum interval is for. Empty if it ticks at most once.
     */
    public Optional<Duration> shortestInterval(Instant from) {
        return shortestInterval(from, Duration.ZERO);
    }

    /**
     * As {@link #shortestInterval(Instant)}, but stops at the first interval shorter than
     * {@code enough}: to refuse {@code * * * * * *} two ticks suffice, not a thousand.
     */
    public Optional<Duration> shortestInterval(Instant from, Duration enough) {
        Duration shortest = null;
        var previous = nextAfter(from);
        var horizon = previous.map(first -> first.plus(SAMPLED_SPAN)).orElse(Instant.MAX);
        for (int i = 0; i < SAMPLED_TICKS && previous.isPresent() && previous.get().isBefore(horizon); i++) {
            var next = nextAfter(previous.get());
            if (next.isEmpty()) {
                break;
            }
            var gap = Duration.between(previous.get(), next.get());
            if (shortest == null || gap.compareTo(shortest) < 0) {
                shortest = gap;
            }
            if (shortest.compareTo(enough) < 0) {
                break;
            }
            previous = next;
        }
        return Optional.ofNullable(shortest);
    }
}
