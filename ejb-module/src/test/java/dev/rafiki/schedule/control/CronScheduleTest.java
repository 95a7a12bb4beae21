package dev.rafiki.schedule.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    static Instant at(String rfc3339) {
        return OffsetDateTime.parse(rfc3339).toInstant();
    }

    /** Every tick in [from, until). */
    static List<Instant> ticks(CronSchedule cron, Instant from, Instant until) {
        var ticks = new ArrayList<Instant>();
        var next = cron.nextAfter(from.minusNanos(1));
        while (next.isPresent() && next.get().isBefore(until)) {
            ticks.add(next.get());
            next = cron.nextAfter(next.get());
        }
        return ticks;
    }

    @Test
    void aDailyTimeIsThatWallClockTimeInTheZone() {
        var cron = CronSchedule.parse("30 9 * * *", "America/New_York");
        assertEquals(at("2026-12-01T09:30:00-05:00"), cron.nextAfter(at("2026-12-01T08:00:00-05:00")).orElseThrow());
        assertEquals(at("2026-12-02T09:30:00-05:00"), cron.nextAfter(at("2026-12-01T09:30:00-05:00")).orElseThrow());
        assertEquals(at("2026-07-01T09:30:00-04:00"), cron.nextAfter(at("2026-07-01T00:00:00Z")).orElseThrow());
    }

    @Test
    void aTimeInTheSpringForwardGapRunsOnceMovedLaterByTheGap() {
        // Europe/Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist
        var cron = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
        var ticks = ticks(cron, at("2026-03-28T00:00:00+01:00"), at("2026-03-31T00:00:00+02:00"));
        assertEquals(List.of(at("2026-03-28T02:30:00+01:00"), at("2026-03-29T03:30:00+02:00"),
                at("2026-03-30T02:30:00+02:00")), ticks);
    }

    @Test
    void aTimeInTheFallBackOverlapRunsOnceAtItsFirstOccurrence() {
        // Europe/Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice
        var cron = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
        var ticks = ticks(cron, at("2026-10-24T00:00:00+02:00"), at("2026-10-27T00:00:00+01:00"));
        assertEquals(List.of(at("2026-10-24T02:30:00+02:00"), at("2026-10-25T02:30:00+02:00"),
                at("2026-10-26T02:30:00+01:00")), ticks);
    }

    @Test
    void insideTheRepeatedHourNoWallTimeRunsTwice() {
        var cron = CronSchedule.parse("*/15 * * * *", "Europe/Berlin");
        var ticks = ticks(cron, at("2026-10-25T01:30:00+02:00"), at("2026-10-25T03:31:00+01:00"));
        assertEquals(List.of(at("2026-10-25T01:30:00+02:00"), at("2026-10-25T01:45:00+02:00"),
                at("2026-10-25T02:00:00+02:00"), at("2026-10-25T02:15:00+02:00"), at("2026-10-25T02:30:00+02:00"),
                at("2026-10-25T02:45:00+02:00"), at("2026-10-25T03:00:00+01:00"), at("2026-10-25T03:15:00+01:00"),
                at("2026-10-25T03:30:00+01:00")), ticks);
        // a node that looks during the second pass goes on after the repeated hour
        assertEquals(at("2026-10-25T03:00:00+01:00"), cron.nextAfter(at("2026-10-25T02:10:00+01:00")).orElseThrow());
    }

    @Test
    void ticksAcrossTheSpringGapStayDistinctAndIncreasing() {
        var cron = CronSchedule.parse("*/15 * * * *", "Europe/Berlin");
        var ticks = ticks(cron, at("2026-03-29T01:30:00+01:00"), at("2026-03-29T03:31:00+02:00"));
        assertEquals(List.of(at("2026-03-29T01:30:00+01:00"), at("2026-03-29T01:45:00+01:00"),
                at("2026-03-29T03:00:00+02:00"), at("2026-03-29T03:15:00+02:00"), at("2026-03-29T03:30:00+02:00")),
                ticks);
    }

    @Test
    void ticksAreWholeSecondsWhateverTheCursor() {
        var cron = CronSchedule.parse("* * * * *", "UTC");
        assertEquals(at("2026-12-01T10:01:00Z"), cron.nextAfter(at("2026-12-01T10:00:00.123456789Z")).orElseThrow());
        assertEquals(at("2026-12-01T10:01:00Z"), cron.nextAfter(at("2026-12-01T10:00:59.999Z")).orElseThrow());
    }

    @Test
    void sixFieldsHaveSecondsFirst() {
        var cron = CronSchedule.parse("*/10 * * * * *", "UTC");
        assertEquals(at("2026-12-01T10:00:10Z"), cron.nextAfter(at("2026-12-01T10:00:00Z")).orElseThrow());
        assertEquals(Optional.of(Duration.ofSeconds(10)), cron.shortestInterval(at("2026-12-01T10:00:00Z")));
    }

    @Test
    void theShortestIntervalIsFoundWhereverItIs() {
        assertEquals(Duration.ofMinutes(1), CronSchedule.parse("* * * * *", "UTC").shortestInterval(Instant.now()).orElseThrow());
        assertEquals(Duration.ofMinutes(1),
                CronSchedule.parse("0,1 3 * * *", "UTC").shortestInterval(Instant.now()).orElseThrow());
        assertEquals(Duration.ofSeconds(1),
                CronSchedule.parse("0,1 0 12 * * *", "UTC").shortestInterval(Instant.now()).orElseThrow());
        assertEquals(Duration.ofDays(1), CronSchedule.parse("0 9 * * *", "UTC").shortestInterval(Instant.now()).orElseThrow());
        // from one matching day to the next: 23:59, then 00:00
        assertEquals(Duration.ofMinutes(1),
                CronSchedule.parse("0,59 0,23 * * *", "UTC").shortestInterval(Instant.now()).orElseThrow());
        assertEquals(Duration.ofMinutes(1),
                CronSchedule.parse("0,59 0,23 * * 1,2", "UTC").shortestInterval(Instant.now()).orElseThrow());
        // enough seen: the first interval below the floor ends the search
        assertEquals(Duration.ofSeconds(1), CronSchedule.parse("* * * * * *", "UTC")
                .shortestInterval(Instant.now(), Duration.ofMinutes(1)).orElseThrow());
        assertEquals(Duration.ofMinutes(1), CronSchedule.parse("0,1 3 * * *", "UTC")
                .shortestInterval(Instant.now(), Duration.ofMinutes(1)).orElseThrow());
        // a rare tick is judged on the first two, not on a thousand years of them
        assertEquals(Duration.ofDays(366 + 3 * 365), CronSchedule.parse("0 0 29 2 *", "UTC")
                .shortestInterval(Instant.parse("2027-01-01T00:00:00Z")).orElseThrow());
    }

    @Test
    void anExpressionThatNeverMatchesHasNoTick() {
        var cron = CronSchedule.parse("0 0 30 2 *", "UTC");
        assertTrue(cron.nextAfter(Instant.now()).isEmpty());
        assertTrue(cron.shortestInterval(Instant.now()).isEmpty());
    }

    @Test
    void badExpressionsAreRefusedWithAReason() {
        for (var bad : new String[] {"", " ", "* * * *", "* * * * * * *", "61 * * * *", "* 25 * * *", "* * 32 * *",
                "* * * 13 *", "hello world foo bar baz", "*/0 * * * *", "1-0 * * * *", "a".repeat(300),
                "\u0000 * * * *", "L L L L L"}) {
            assertThrows(CronSchedule.InvalidCron.class, () -> CronSchedule.parse(bad, "UTC"), bad);
        }
        assertThrows(CronSchedule.InvalidCron.class, () -> CronSchedule.parse(null, "UTC"));
    }

    @Test
    void badTimeZonesAreRefused() {
        for (var bad : new String[] {"", "Mars/Olympus_Mons", "Europe/Berlin\u0000", "x".repeat(100), "CEST", "../etc"}) {
            assertThrows(CronSchedule.InvalidZone.class, () -> CronSchedule.parse("0 9 * * *", bad), bad);
        }
        assertEquals("Europe/Berlin", CronSchedule.parse("0 9 * * *", "Europe/Berlin").zone().getId());
        assertEquals("UTC", CronSchedule.parse("0 9 * * *", "UTC").zone().getId());
    }
}
