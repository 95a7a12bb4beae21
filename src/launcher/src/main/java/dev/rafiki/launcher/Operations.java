package dev.rafiki.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log format ({@code rafiki.log.format}). What is specific to Payara Micro, its JSON
 * formatter, is set here, in the server's configuration, and nowhere in the application.
 */
final class Operations {

    /** Payara's formatter: one JSON object per line, a record's Map parameter as extra fields. */
    static final String PAYARA_JSON_FORMATTER = "fish.payara.enterprise.server.logging.JSONLogFormatter";

    private final Settings settings;

    Operations(Settings settings) {
        this.settings = settings;
    }

    boolean jsonLogs() {
        var format = settings.get("rafiki.log.format", "text").toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("rafiki.log.format (RAFIKI_LOG_FORMAT) must be text or json, got '" + format + "'");
        }
        return format.equals("json");
    }

    /**
     * Payara Micro options: with JSON logs, a logging configuration that swaps the console
     * formatter (the default, text, keeps Payara's own).
     */
    List<String> payaraOptions(Path root) throws IOException {
        if (!jsonLogs()) {
            return List.of();
        }
        var properties = root.resolve("logging.properties");
        Files.writeString(properties, String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                "java.util.logging.ConsoleHandler.formatter=" + PAYARA_JSON_FORMATTER,
                "java.util.logging.ConsoleHandler.level=FINE",
                ".level=INFO",
                "com.hazelcast.level=WARNING",
                ""));
        return List.of("--logproperties", properties.toString());
    }

    /** The launcher's own lines in the format of the server's. */
    void configureLauncherLogging() {
        if (jsonLogs()) {
            for (var handler : Logger.getLogger("").getHandlers()) {
                handler.setFormatter(new JsonLines());
            }
        }
    }

    /** The fields Payara's JSON formatter uses, so that one query finds lines of both processes. */
    static final class JsonLines extends Formatter {
        @Override
        public String format(LogRecord record) {
            var line = new StringBuilder("{\"Timestamp\":\"").append(Instant.ofEpochMilli(record.getMillis()))
                    .append("\",\"Level\":\"").append(record.getLevel().getName())
                    .append("\",\"LoggerName\":\"").append(escape(record.getLoggerName()))
                    .append("\",\"ThreadName\":\"launcher\",\"LogMessage\":\"").append(escape(formatMessage(record))).append('"');
            if (record.getThrown() != null) {
                line.append(",\"Throwable\":{\"Exception\":\"").append(escape(record.getThrown().toString())).append("\"}");
            }
            return line.append("}\n").toString();
        }

        static String escape(String text) {
            if (text == null) {
                return "";
            }
            var out = new StringBuilder(text.length() + 8);
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }
}
