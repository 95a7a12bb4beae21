package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the operator's only map of the settings: every key the
 * code reads has its row, every row names a key the code reads, and a key read in two places has
 * one default. Placeholder rows ({@code rafiki.provider.<p>.type}) stand for keys the code builds
 * from a prefix.
 */
class ConfigurationTableTest {

    /** The ways code reads a setting: the MP Config annotation, Config/Settings getters, ${MPCONFIG=…} in annotations. */
    static final Pattern ANNOTATED = Pattern.compile(
            "ConfigProperty\\(\\s*name\\s*=\\s*\"(rafiki\\.[^\"]+)\"(?:\\s*,\\s*defaultValue\\s*=\\s*\"([^\"]*)\")?");
    static final Pattern GETTER = Pattern.compile("\\.get\\w*\\(\\s*\"(rafiki\\.[^\"]+)\"");
    static final Pattern EXPRESSION = Pattern.compile("MPCONFIG=(rafiki\\.[a-z0-9.-]+)");
    static final Pattern PROPERTIES = Pattern.compile("(?m)^(rafiki\\.[a-z0-9.-]+)\\s*=");
    static final Pattern PREFIX = Pattern.compile("\"(rafiki\\.[a-z0-9.-]+\\.)\"\\s*\\+");
    /** The first cell of a table row; it may name more than one key ({@code `a` / `b`}). */
    static final Pattern ROW = Pattern.compile("(?m)^\\| (`rafiki\\.[^|]+)\\|");
    static final Pattern KEY_IN_CELL = Pattern.compile("`(rafiki\\.[^`]+)`");

    static Path root;
    static Set<String> read = new TreeSet<>();
    static Set<String> prefixes = new TreeSet<>();
    static Map<String, Set<String>> defaults = new TreeMap<>();
    static Set<String> documented = new TreeSet<>();

    @BeforeAll
    static void scan() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md")) || !Files.isDirectory(root.resolve("ejb-module"))) {
            root = root.getParent();
        }
        for (var module : new String[] {"ejb-module", "web-module", "persistence", "src/launcher"}) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
                files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".properties"))
                        .forEach(ConfigurationTableTest::collect);
            }
        }
        var readme = Files.readString(root.resolve("README.md"));
        int start = readme.indexOf("\n## Configuration\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "README has a section \"## Configuration\"");
        var rows = ROW.matcher(readme.substring(start, end));
        while (rows.find()) {
            var keys = KEY_IN_CELL.matcher(rows.group(1));
            while (keys.find()) {
                documented.add(keys.group(1));
            }
        }
    }

    static void collect(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var annotated = ANNOTATED.matcher(text);
        while (annotated.find()) {
            key(annotated.group(1));
            if (annotated.group(2) != null) {
                defaults.computeIfAbsent(annotated.group(1), k -> new TreeSet<>()).add(annotated.group(2));
            }
        }
        for (var pattern : new Pattern[] {GETTER, EXPRESSION, PROPERTIES, PREFIX}) {
            var m = pattern.matcher(text);
            while (m.find()) {
                key(m.group(1));
            }
        }
    }

    static void key(String key) {
        if (key.endsWith(".")) {
            prefixes.add(key); // a family of keys built at run time, e.g. rafiki.provider.<name>.type
        } else {
            read.add(key);
        }
    }

    @Test
    void everyKeyTheCodeReadsHasItsRow() {
        var missing = new TreeSet<>(read);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "keys read by the code but missing from README's configuration table");
        for (var prefix : prefixes) {
            assertTrue(documented.stream().anyMatch(row -> row.startsWith(prefix) && row.contains("<")),
                    "no placeholder row in README for the keys built from " + prefix);
        }
        assertTrue(read.size() > 50, "the scan found only " + read.size() + " keys: the patterns no longer match the code");
    }

    @Test
    void everyRowNamesAKeyTheCodeReads() {
        var stale = new TreeSet<String>();
        for (var row : documented) {
            boolean placeholder = row.contains("<");
            if (placeholder ? prefixes.stream().noneMatch(row::startsWith) : !read.contains(row)) {
                stale.add(row);
            }
        }
        assertEquals(Set.of(), stale, "README rows for keys no code reads");
    }

    @Test
    void aKeyReadInTwoPlacesHasOneDefault() {
        var conflicting = new TreeMap<String, Set<String>>();
        defaults.forEach((key, values) -> {
            if (values.size() > 1) {
                conflicting.put(key, values);
            }
        });
        assertEquals(Map.of(), conflicting, "keys whose defaults differ between the places that read them");
    }
}
