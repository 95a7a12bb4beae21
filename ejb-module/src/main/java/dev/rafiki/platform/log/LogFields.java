package dev.rafiki.platform.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logs a message with identifiers attached (request id, session id, prompt id). JUL has no MDC:
 * the identifiers travel as a {@code Map} parameter of the record, which Payara's JSON formatter
 * ({@code RAFIKI_LOG_FORMAT=json}) writes as top-level fields ({@code "request_id": "…"}); they are
 * also appended to the message as {@code [request_id=… session_id=…]}, so the text format carries
 * them too and a line can be found by id with grep in either format.
 */
public final class LogFields {

    public static final String REQUEST_ID = "request_id";
    public static final String SESSION_ID = "session_id";
    public static final String PROMPT_ID = "prompt_id";

    private LogFields() {
    }

    /**
     * @param keyValues field name, value, name, value, …; null values are left out
     */
    public static void log(Logger logger, Level level, String message, Throwable thrown, Object... keyValues) {
        if (!logger.isLoggable(level)) {
            return;
        }
        var record = record(level, message, thrown, keyValues);
        record.setLoggerName(logger.getName());
        logger.log(record);
    }

    static LogRecord record(Level level, String message, Throwable thrown, Object... keyValues) {
        var fields = new LinkedHashMap<String, String>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                fields.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
            }
        }
        var text = new StringBuilder(message);
        if (!fields.isEmpty()) {
            text.append(" [");
            fields.forEach((key, value) -> text.append(key).append('=').append(value).append(' '));
            text.setCharAt(text.length() - 1, ']');
        }
        // the text has no "{0}" placeholder, so formatters print it as it is; the map is for JSON only
        var record = new LogRecord(level, text.toString());
        record.setParameters(new Object[] {Map.copyOf(fields)});
        record.setThrown(thrown);
        return record;
    }
}
