package dev.rafiki.platform.edge;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The web module's settings holders: a default that does not convert would fail the deployment; here it fails the build. */
class HoldersTest {

    @Test
    void everyHolderOfTheModuleHasDefaultsThatConvert() throws IOException, ClassNotFoundException {
        var sources = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            var holders = files.filter(f -> f.getFileName().toString().matches("\\w+Settings\\.java"))
                    .map(f -> sources.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", ""))
                    .toList();
            assertTrue(holders.size() >= 4, "holders found: " + holders);
            for (var holder : holders) {
                assertNotNull(Settings.defaults(Class.forName(holder)), holder);
            }
        }
    }
}
