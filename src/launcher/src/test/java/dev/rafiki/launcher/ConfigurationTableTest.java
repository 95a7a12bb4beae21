package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the operator's only map of the settings, and the settings
 * holders (one {@code <Feature>Settings} class per feature) are the code's: every key declared in
 * code has its row, every row names a key the code declares, each key of the application is
 * declared once, and where the table states a default it is the one the code declares.
 * Placeholder rows ({@code rafiki.provider.<p>.type}) stand for keys the code builds from a prefix.
 * <p>
 * The application's keys are declared by the holders' fields and by the config files of the
 * modules (a default that {@code ${…}} expressions need lives there). The launcher is another
 * program, started before the server, with its own reader ({@link Settings}): its keys are the
 * ones it reads, its defaults the ones it passes to the reader.
 */
class ConfigurationTableTest {

    /** A settings holder: the one place a feature's keys are declared. */
    static final Pattern HOLDER = Pattern.compile("(?m)^@Dependent\\s+public class \\w+Settings \\{");
    static final Pattern FIELD = Pattern.compile(
            "@ConfigProperty\\(\\s*name\\s*=\\s*\"(rafiki\\.[^\"]+)\"(?:\\s*,\\s*defaultValue\\s*=\\s*\"([^\"]*)\")?\\s*\\)");
    /** A key of the application read any other way than through a holder. */
    static final Pattern STRAY = Pattern.compile(
            "(?:ConfigProperty\\(\\s*name\\s*=|get(?:Optional)?Value\\()\\s*\"(rafiki\\.[^\"]+)\"");
    /** The launcher's reads: {@code settings.get("rafiki.http.host", "127.0.0.1")}, {@code getInt("rafiki.http.port", 8080)}. */
    static final Pattern LAUNCHER = Pattern.compile("\\.get\\w*\\(\\s*\"(rafiki\\.[^\"]+)\"(?:\\s*,\\s*(?:\"([^\"]*)\"|(-?\\d+))\\s*\\))?");
    static final Pattern EXPRESSION = Pattern.compile("MPCONFIG=(rafiki\\.[a-z0-9.-]+)");
    static final Pattern PROPERTIES = Pattern.compile("(?m)^(rafiki\\.[a-z0-9.-]+)\\s*=\\s*(.*)$");
    static final Pattern PREFIX = Pattern.compile("\"(rafiki\\.[a-z0-9.-]+\\.)\"\\s*\\+");
    static final Pattern KEY_IN_CELL = Pattern.compile("`(rafiki\\.[^`]+)`");
    /** A default cell that states one value: it starts with it in backticks. */
    static final Pattern STATED = Pattern.compile("^`([^`<]*)`");

    static Path root;
    /** Keys declared or read by code, with the holders that declare them. */
    static Map<String, List<String>> declared = new TreeMap<>();
    /** The places that give an application key its default: a holder or a config file. */
    static Map<String, List<String>> defaultedIn = new TreeMap<>();
    /** Every default the code gives a key, by key. */
    static Map<String, Set<String>> defaults = new TreeMap<>();
    static Set<String> prefixes = new TreeSet<>();
    static List<String> strays = new ArrayList<>();
    static Set<String> documented = new TreeSet<>();
    /** Defaults the table states, by key. */
    static Map<String, String> documentedDefaults = new TreeMap<>();
    static int holders;

    @BeforeAll
    static void scan() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md")) || !Files.isDirectory(root.resolve("ejb-module"))) {
            root = root.getParent();
        }
        for (var module : new String[] {"ejb-module", "web-module", "persistence"}) {
            scan(module, ConfigurationTableTest::application);
        }
        scan("src/launcher", ConfigurationTableTest::launcher);
        readTable(Files.readString(root.resolve("README.md")));
    }

    static void scan(String module, java.util.function.BiConsumer<Path, String> reader) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
            files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".properties"))
                    .sorted().forEach(f -> reader.accept(f, read(f)));
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void readTable(String readme) {
        int start = readme.indexOf("\n## Configuration\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "README has a section \"## Configuration\"");
        for (var line : readme.substring(start, end).split("\n")) {
            if (!line.startsWith("| `rafiki.")) {
                continue;
            }
            var cells = line.substring(2, line.length() - 2).split(" \\| ");
            var keys = new ArrayList<String>();
            var inCell = KEY_IN_CELL.matcher(cells[0]);
            while (inCell.find()) {
                keys.add(inCell.group(1));
            }
            documented.addAll(keys);
            // a row of several keys states their defaults in the same order: `rafiki` / `rafiki`
            var stated = cells.length > 2 ? cells[2].split(" / ") : new String[0];
            for (int i = 0; i < keys.size() && stated.length == keys.size(); i++) {
                var value = STATED.matcher(stated[i].strip());
                if (value.find()) {
                    documentedDefaults.put(keys.get(i), value.group(1));
                }
            }
        }
    }

    /** The application: holders, config files, keys built from a prefix; nothing else may read a key. */
    static void application(Path file, String text) {
        var where = root.relativize(file).toString();
        if (where.endsWith(".properties")) {
            var entries = PROPERTIES.matcher(text);
            while (entries.find()) {
                declared.computeIfAbsent(entries.group(1), k -> new ArrayList<>());
                defaulted(entries.group(1), entries.group(2).strip(), where);
            }
            return;
        }
        if (HOLDER.matcher(text).find()) {
            holders++;
            var fields = FIELD.matcher(text);
            while (fields.find()) {
                declare(fields.group(1), fields.group(2), where);
            }
        } else {
            var stray = STRAY.matcher(text);
            while (stray.find()) {
                strays.add(stray.group(1) + " in " + where);
            }
        }
        prefixes(text);
        var expressions = EXPRESSION.matcher(text);
        while (expressions.find()) {
            declared.computeIfAbsent(expressions.group(1), k -> new ArrayList<>());
        }
    }

    static void launcher(Path file, String text) {
        var reads = LAUNCHER.matcher(text);
        while (reads.find()) {
            declared.computeIfAbsent(reads.group(1), k -> new ArrayList<>());
            var value = reads.group(2) != null ? reads.group(2) : reads.group(3);
            if (value != null) {
                defaults.computeIfAbsent(reads.group(1), k -> new TreeSet<>()).add(value);
            }
        }
        prefixes(text);
    }

    static void declare(String key, String defaultValue, String where) {
        declared.computeIfAbsent(key, k -> new ArrayList<>()).add(where);
        if (defaultValue != null) {
            defaulted(key, defaultValue, where);
        }
    }

    static void defaulted(String key, String defaultValue, String where) {
        defaults.computeIfAbsent(key, k -> new TreeSet<>()).add(defaultValue);
        defaultedIn.computeIfAbsent(key, k -> new ArrayList<>()).add(where);
    }

    static void prefixes(String text) {
        var built = PREFIX.matcher(text);
        while (built.find()) {
            prefixes.add(built.group(1)); // a family of keys built at run time, e.g. rafiki.provider.<name>.type
        }
    }

    @Test
    void everyKeyTheCodeDeclaresHasItsRow() {
        var missing = new TreeSet<>(declared.keySet());
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "keys declared by the code but missing from README's configuration table");
        for (var prefix : prefixes) {
            assertTrue(documented.stream().anyMatch(row -> row.startsWith(prefix) && row.contains("<")),
                    "no placeholder row in README for the keys built from " + prefix);
        }
        assertTrue(declared.size() > 100 && holders > 10,
                "the scan found only " + declared.size() + " keys in " + holders + " holders: the patterns no longer match the code");
    }

    @Test
    void everyRowNamesAKeyTheCodeDeclares() {
        var stale = new TreeSet<String>();
        for (var row : documented) {
            boolean placeholder = row.contains("<");
            if (placeholder ? prefixes.stream().noneMatch(row::startsWith) : !declared.containsKey(row)) {
                stale.add(row);
            }
        }
        assertEquals(Set.of(), stale, "README rows for keys no code declares");
    }

    @Test
    void theApplicationReadsKeysOnlyThroughItsSettingsHolders() {
        assertEquals(List.of(), strays, "keys read outside a settings holder: declare them in the feature's <Feature>Settings");
    }

    @Test
    void eachKeyOfTheApplicationIsDeclaredOnce() {
        var twice = new TreeMap<String, List<String>>();
        declared.forEach((key, holders) -> {
            if (holders.size() > 1) {
                twice.put(key, holders);
            }
        });
        assertEquals(Map.of(), twice, "keys declared by more than one settings holder");
        var defaultedTwice = new TreeMap<String, List<String>>();
        defaultedIn.forEach((key, places) -> {
            if (places.size() > 1) {
                defaultedTwice.put(key, places);
            }
        });
        assertEquals(Map.of(), defaultedTwice, "keys given a default in more than one place: a default written twice will drift");
    }

    @Test
    void theDocumentedDefaultIsTheDeclaredOne() {
        var differ = new TreeMap<String, String>();
        documentedDefaults.forEach((key, documentedDefault) -> {
            var code = defaults.get(key);
            if (code != null && !code.contains(documentedDefault)) {
                differ.put(key, "README `" + documentedDefault + "`, code " + code);
            }
        });
        assertEquals(Map.of(), differ, "defaults in README's configuration table that the code does not declare");
        assertTrue(documentedDefaults.size() > 80, "the table states only " + documentedDefaults.size() + " defaults: the row pattern no longer matches");
    }
}
