package dev.rafiki.schedule.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What to do with a schedule whose next tick is due: which tick to run (if any), how many ticks
 * that run stands for, and the next tick to wait for.
 *
 * <p>A tick is on time while it is at most {@code grace} old. Ticks older than that were missed
 * (every node down, or busy): {@code skip} runs the latest due tick only if it is still on time
 * and drops the rest; {@code run_once} runs one job for all of them, as the latest one, with
 * {@code ticks} saying how many it stands for.
 *
 * @param fire the tick to run, or null for none
 * @param ticks how many due ticks {@code fire} stands for (0 when none runs)
 * @param due how many ticks were due
 * @param next the next tick after now, or null when the expression has none left
 */
public record TickPlan(Instant fire, int ticks, int due, Instant next) {

    public enum Missed {
        SKIP, RUN_ONCE;

        public String wire() {
            return this == SKIP ? "skip" : "run_once";
        }

        public static Optional<Missed> of(String wire) {
            return switch (wire == null ? "" : wire) {
                case "skip" -> Optional.of(SKIP);
                case "run_once" -> Optional.of(RUN_ONCE);
                default -> Optional.empty();
            };
        }
    }

    /** Due ticks counted at most: counting costs a cron step each, for every schedule of every user after an outage. */
    static final int MAX_COUNTED = 1_000;

    public static TickPlan of(CronSchedule cron, Instant firstDue, Instant now, Duration grace, Missed missed) {
        if (firstDue.isAfter(now)) {
            return new TickPlan(null, 0, 0, firstDue);
        }
        var latest = firstDue;
        int due = 1;
        var next = cron.nextAfter(latest);
        while (next.isPresent() && !next.get().isAfter(now) && due < MAX_COUNTED) {
            latest = next.get();
            due++;
            next = cron.nextAfter(latest);
        }
        if (next.isPresent() && !next.get().isAfter(now)) {
            // stopped counting: the latest due tick is the last one at or before now
            next = cron.nextAfter(now);
            latest = latestAtOrBefore(cron, now, latest);
        }
        boolean onTime = Duration.between(latest, now).compareTo(grace) <= 0;
        Instant fire = switch (missed) {
            case SKIP -> onTime ? latest : null;
            case RUN_ONCE -> latest;
        };
        int ticks = fire == null ? 0 : missed == Missed.RUN_ONCE ? due : 1;
        return new TickPlan(fire, ticks, due, next.orElse(null));
    }

    /** The last tick at or before {@code now}, from a known earlier tick, without counting each. */
    private static Instant latestAtOrBefore(CronSchedule cron, Instant now, Instant known) {
        // step back from now in growing windows until one holds a tick, then walk forward in it
        for (var window = Duration.ofMinutes(1); window.compareTo(Duration.ofDays(4000)) < 0; window = window.multipliedBy(4)) {
            var from = now.minus(window);
            if (from.isBefore(known)) {
                from = known;
            }
            var tick = cron.nextAfter(from.minusNanos(1));
            if (tick.isPresent() && !tick.get().isAfter(now)) {
                var latest = tick.get();
                for (var t = cron.nextAfter(latest); t.isPresent() && !t.get().isAfter(now); t = cron.nextAfter(t.get())) {
                    latest = t.get();
                }
                return latest;
            }
        }
        return known;
    }
}
