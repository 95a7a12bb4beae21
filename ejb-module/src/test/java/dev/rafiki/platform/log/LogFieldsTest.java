package dev.rafiki.platform.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

class LogFieldsTest {

    @Test
    void idsAreFieldsOfTheRecordAndPartOfItsText() {
        var failure = new IllegalStateException("boom");
        var record = LogFields.record(Level.SEVERE, "request failed", failure,
                LogFields.REQUEST_ID, "req-12345678", LogFields.SESSION_ID, null, LogFields.PROMPT_ID, "p-1");

        assertEquals("request failed [request_id=req-12345678 prompt_id=p-1]", record.getMessage());
        assertEquals(Map.of("request_id", "req-12345678", "prompt_id", "p-1"), record.getParameters()[0]);
        assertSame(failure, record.getThrown());
        // a plain formatter prints the text unchanged: the map parameter is not a placeholder value
        assertEquals(record.getMessage(), new SimpleFormatter().formatMessage(record));
    }

    @Test
    void withoutIdsTheMessageIsUntouched() {
        assertEquals("started", LogFields.record(Level.INFO, "started", null).getMessage());
    }
}
