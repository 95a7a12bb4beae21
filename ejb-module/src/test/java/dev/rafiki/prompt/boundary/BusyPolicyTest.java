package dev.rafiki.prompt.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BusyPolicyTest {

    @Test
    void namesAreReadWhateverTheirCase() {
        assertEquals(BusyPolicy.ENQUEUE, BusyPolicy.parse("enqueue"));
        assertEquals(BusyPolicy.REJECT, BusyPolicy.parse("Reject"));
        assertEquals(BusyPolicy.INTERRUPT, BusyPolicy.parse("INTERRUPT"));
        assertEquals(BusyPolicy.REJECT, BusyPolicy.parse("  reJECT\t"));
    }

    @Test
    void absentOrBlankMeansEnqueue() {
        assertEquals(BusyPolicy.ENQUEUE, BusyPolicy.parse(null));
        assertEquals(BusyPolicy.ENQUEUE, BusyPolicy.parse(""));
        assertEquals(BusyPolicy.ENQUEUE, BusyPolicy.parse(" \n "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wait", "queue", "re ject", "reject!", "ENQUEUED", "0"})
    void unknownIsNull(String value) {
        assertNull(BusyPolicy.parse(value));
    }

    /** Under a Turkish default locale "i".toUpperCase() is a dotted capital I, which would match nothing. */
    @Test
    void doesNotDependOnTheDefaultLocale() {
        var saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals(BusyPolicy.INTERRUPT, BusyPolicy.parse("interrupt"));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
