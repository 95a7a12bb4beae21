package dev.rafiki.platform.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RefusalLogTest {

    RefusalLog log = new RefusalLog(3);

    @Test
    void atMostSoManyLinesAMinuteAndTheNextSaysHowManyWereLeftOut() {
        assertEquals(0, log.admit(1_000));
        assertEquals(0, log.admit(2_000));
        assertEquals(0, log.admit(3_000));
        for (int i = 0; i < 500; i++) {
            assertEquals(-1, log.admit(4_000 + i));
        }
        assertEquals(-1, log.admit(60_999), "still the first minute");
        assertEquals(501, log.admit(61_000), "a new minute: written, with the count of those left out");
        assertEquals(0, log.admit(61_001));
    }

    @Test
    void aClockThatGoesBackStartsANewMinute() {
        for (int i = 0; i < 3; i++) {
            log.admit(100_000);
        }
        assertEquals(-1, log.admit(100_001));
        assertEquals(1, log.admit(50_000));
    }
}
