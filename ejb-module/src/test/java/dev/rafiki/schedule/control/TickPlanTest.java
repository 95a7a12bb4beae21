package dev.rafiki.schedule.control;

import static dev.rafiki.schedule.control.CronScheduleTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rafiki.schedule.control.TickPlan.Missed;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TickPlanTest {

    static final CronSchedule HOURLY = CronSchedule.parse("0 * * * *", "UTC");
    static final Duration GRACE = Duration.ofSeconds(60);

    @Test
    void aTickJustDueRunsUnderEitherPolicy() {
        for (var missed : Missed.values()) {
            var plan = TickPlan.of(HOURLY, at("2026-12-01T10:00:00Z"), at("2026-12-01T10:00:01Z"), GRACE, missed);
            assertEquals(at("2026-12-01T10:00:00Z"), plan.fire(), missed.name());
            assertEquals(1, plan.ticks());
            assertEquals(at("2026-12-01T11:00:00Z"), plan.next());
        }
    }

    @Test
    void aTickNotYetDueDoesNothing() {
        var plan = TickPlan.of(HOURLY, at("2026-12-01T10:00:00Z"), at("2026-12-01T09:59:59Z"), GRACE, Missed.RUN_ONCE);
        assertNull(plan.fire());
        assertEquals(at("2026-12-01T10:00:00Z"), plan.next());
    }

    @Test
    void skipDropsMissedTicksAndWaitsForTheNextFutureOne() {
        // every node was down from before 07:00 until 10:20
        var plan = TickPlan.of(HOURLY, at("2026-12-01T07:00:00Z"), at("2026-12-01T10:20:00Z"), GRACE, Missed.SKIP);
        assertNull(plan.fire());
        assertEquals(0, plan.ticks());
        assertEquals(4, plan.due());
        assertEquals(at("2026-12-01T11:00:00Z"), plan.next());
    }

    @Test
    void skipStillRunsTheLatestTickWhileItIsOnTime() {
        var plan = TickPlan.of(HOURLY, at("2026-12-01T07:00:00Z"), at("2026-12-01T10:00:30Z"), GRACE, Missed.SKIP);
        assertEquals(at("2026-12-01T10:00:00Z"), plan.fire());
        assertEquals(1, plan.ticks());
        assertEquals(at("2026-12-01T11:00:00Z"), plan.next());
    }

    @Test
    void runOnceRunsOneJobForAllMissedTicks() {
        var plan = TickPlan.of(HOURLY, at("2026-12-01T07:00:00Z"), at("2026-12-01T10:20:00Z"), GRACE, Missed.RUN_ONCE);
        assertEquals(at("2026-12-01T10:00:00Z"), plan.fire());
        assertEquals(4, plan.ticks());
        assertEquals(at("2026-12-01T11:00:00Z"), plan.next());
    }

    @Test
    void aSingleLateTickIsMissedToo() {
        var late = at("2026-12-01T10:05:00Z");
        assertNull(TickPlan.of(HOURLY, at("2026-12-01T10:00:00Z"), late, GRACE, Missed.SKIP).fire());
        assertEquals(at("2026-12-01T10:00:00Z"), TickPlan.of(HOURLY, at("2026-12-01T10:00:00Z"), late, GRACE,
                Missed.RUN_ONCE).fire());
    }

    @Test
    void aLongOutageOfAFrequentScheduleStopsCountingButFindsTheLatestTick() {
        var everySecond = CronSchedule.parse("* * * * * *", "UTC");
        var plan = TickPlan.of(everySecond, at("2026-12-01T00:00:00Z"), at("2026-12-02T00:00:00.500Z"), GRACE,
                Missed.RUN_ONCE);
        assertEquals(at("2026-12-02T00:00:00Z"), plan.fire());
        assertEquals(TickPlan.MAX_COUNTED, plan.ticks());
        assertEquals(at("2026-12-02T00:00:01Z"), plan.next());
    }

    @Test
    void theLastTickOfAnExpressionLeavesNoNext() {
        var once = CronSchedule.parse("0 0 1 1 *", "UTC");
        var plan = TickPlan.of(once, at("2027-01-01T00:00:00Z"), at("2027-01-01T00:00:05Z"), GRACE, Missed.SKIP);
        assertEquals(at("2027-01-01T00:00:00Z"), plan.fire());
        assertEquals(at("2028-01-01T00:00:00Z"), plan.next());
    }
}
