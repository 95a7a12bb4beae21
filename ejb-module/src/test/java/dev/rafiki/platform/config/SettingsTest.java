package dev.rafiki.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.prompt.control.PromptSettings;
import dev.rafiki.tool.control.ToolSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void aHolderIsBuiltWithTheDefaultsItDeclares() {
        var prompts = Settings.defaults(PromptSettings.class);
        assertEquals(100_000, prompts.maxLength);
        assertTrue(prompts.fastLane);
        assertEquals(Duration.ofHours(1), prompts.approvalTimeout);
        var tools = Settings.defaults(ToolSettings.class);
        assertEquals("auto", tools.sandbox);
        assertTrue(tools.bwrapPath.isEmpty(), "no default: an empty Optional");
        assertFalse(Settings.defaults(NodeSettings.class).clustered);
    }

    /** A default that does not convert would fail the deployment; here it fails the build. */
    @Test
    void everyHolderOfTheModuleHasDefaultsThatConvert() throws IOException {
        var sources = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            var holders = files.filter(f -> f.getFileName().toString().matches("\\w+Settings\\.java"))
                    .map(f -> sources.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", ""))
                    .toList();
            assertTrue(holders.size() >= 10, "holders found: " + holders);
            for (var holder : holders) {
                assertNotNull(Settings.defaults(Class.forName(holder)), holder);
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
