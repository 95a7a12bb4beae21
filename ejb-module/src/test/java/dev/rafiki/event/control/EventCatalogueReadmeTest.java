package dev.rafiki.event.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's event table ("Streams") and the catalogue cannot drift: the table names exactly the
 * catalogue's types, each with exactly the members its data has, in the order they are written.
 * A row's members are the backquoted names of its {@code data} cell, leaving out what is in
 * parentheses (the members of a nested object, the values a member takes, remarks) and what
 * follows a colon (what the event means).
 */
class EventCatalogueReadmeTest {

    private static final String HEADER = "| `type` | `data` |";
    private static final Pattern NAME = Pattern.compile("`([a-z0-9_.]+)`");
    private static final Pattern PARENTHESES = Pattern.compile("\\([^()]*\\)");

    @Test
    void theReadmeTableListsExactlyTheCataloguesTypesAndFields() throws IOException {
        var documented = readmeTable();
        var written = new TreeMap<String, List<String>>();
        for (var event : CatalogueSamples.all()) {
            var fields = new ArrayList<>(CatalogueSamples.parse(event.data()).keySet());
            var before = written.put(event.type(), fields);
            assertTrue(before == null || before.equals(fields),
                    event.type() + " is written with different members by different records");
        }
        assertEquals(written.keySet(), documented.keySet(), "the event types in the README's table and in SessionEvent");
        written.forEach((type, fields) ->
                assertEquals(fields, documented.get(type), "the data members of " + type + " in the README's table"));
    }

    @Test
    void everyEventNamesItsPrompt() {
        for (var event : CatalogueSamples.all()) {
            var data = CatalogueSamples.parse(event.data());
            var id = data.containsKey("prompt_id") ? data.getString("prompt_id") : data.getString("job_id");
            assertEquals(event.promptId().toString(), id, event.type());
        }
    }

    @Test
    void theTableIsReadAsMeant() {
        var parsed = row("| `a.b` / `a.c` | `x`, `y` (`code`, `message`) when not completed, `w` ([See](#see-this)): "
                + "the next `piece` |");
        assertEquals(Map.of("a.b", List.of("x", "y", "w"), "a.c", List.of("x", "y", "w")), parsed);
    }

    private static Map<String, List<String>> readmeTable() throws IOException {
        var lines = Files.readAllLines(readme());
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, "the README has the event table, headed " + HEADER);
        var table = new TreeMap<String, List<String>>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            row(lines.get(i)).forEach((type, fields) ->
                    assertTrue(table.putIfAbsent(type, fields) == null, type + " is in two rows"));
        }
        assertFalse(table.isEmpty());
        return table;
    }

    private static Map<String, List<String>> row(String line) {
        var cells = line.split("\\|");
        assertEquals(3, cells.length, "a row of two cells: " + line);
        var data = cells[2];
        for (String shorter = PARENTHESES.matcher(data).replaceAll(""); !shorter.equals(data);
             shorter = PARENTHESES.matcher(data).replaceAll("")) {
            data = shorter;
        }
        int colon = data.indexOf(':');
        var fields = names(colon < 0 ? data : data.substring(0, colon));
        var row = new TreeMap<String, List<String>>();
        names(cells[1]).forEach(type -> row.put(type, fields));
        return row;
    }

    private static List<String> names(String text) {
        var names = new ArrayList<String>();
        var matcher = NAME.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The repository's README, found from the module the test runs in. */
    private static Path readme() {
        for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("ejb-module"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }
}
