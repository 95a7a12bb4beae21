package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperationsTest {

    @TempDir
    Path root;

    static Operations operations(String... keyValues) {
        var env = new java.util.HashMap<String, String>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return new Operations(new Settings(Map.copyOf(env), new Properties()));
    }

    @Test
    void textLogsLeavePayarasOwnConfiguration() throws IOException {
        assertEquals(List.of(), operations().payaraOptions(root));
        assertEquals(List.of(), operations("RAFIKI_LOG_FORMAT", "text").payaraOptions(root));
    }

    @Test
    void jsonLogsSwapTheConsoleFormatterForPayarasJsonOne() throws IOException {
        var options = operations("RAFIKI_LOG_FORMAT", "JSON").payaraOptions(root);

        assertEquals("--logproperties", options.get(0));
        var properties = Files.readString(Path.of(options.get(1)));
        assertTrue(properties.contains("java.util.logging.ConsoleHandler.formatter=" + Operations.PAYARA_JSON_FORMATTER), properties);
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheVariable() {
        var e = assertThrows(IllegalArgumentException.class, () -> operations("RAFIKI_LOG_FORMAT", "xml").payaraOptions(root));
        assertTrue(e.getMessage().contains("RAFIKI_LOG_FORMAT"), e.getMessage());
    }

    @Test
    void launcherLinesAreOneJsonObjectEach() {
        var record = new LogRecord(Level.WARNING, "a \"quoted\"\nline");
        record.setLoggerName("dev.rafiki.launcher.Launcher");

        var line = new Operations.JsonLines().format(record);

        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertTrue(line.contains("\"Level\":\"WARNING\""), line);
        assertTrue(line.contains("\"LogMessage\":\"a \\\"quoted\\\"\\nline\""), line);
    }
}
