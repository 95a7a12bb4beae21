package dev.rafiki.event.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's event table ("Streams") and the catalogue cannot drift: the table names exactly the
 * catalogue's types, each with exactly the members its data has, in the order they are written,
 * and for a member that is an object (or a list of objects) its members, in the parentheses right
 * after it. A row's members are the backquoted names of its {@code data} cell outside parentheses
 * (which also hold the values a member takes, or remarks), up to the first colon (what follows
 * says what the event means).
 */
class EventCatalogueReadmeTest {

    private static final String HEADER = "| `type` | `data` |";
    private static final Pattern NAME = Pattern.compile("`([a-z0-9_.]+)`");

    @Test
    void theReadmeTableListsExactlyTheCataloguesTypesAndFields() throws IOException {
        var documented = readmeTable();
        var written = new TreeMap<String, JsonObject>();
        for (var event : CatalogueSamples.all()) {
            var data = CatalogueSamples.parse(event.data());
            var before = written.put(event.type(), data);
            assertTrue(before == null || before.keySet().equals(data.keySet()),
                    event.type() + " is written with different members by different records");
        }
        assertEquals(written.keySet(), documented.keySet(), "the event types in the README's table and in SessionEvent");
        written.forEach((type, data) -> {
            var members = documented.get(type);
            assertEquals(List.copyOf(data.keySet()), List.copyOf(members.keySet()),
                    "the data members of " + type + " in the README's table");
            data.forEach((member, value) -> {
                var nested = nested(value);
                if (nested != null) {
                    assertEquals(nested, members.get(member), "the members of " + type + "'s " + member
                            + " in the README's table, in parentheses after it");
                }
            });
        });
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
        var parsed = row("| `a.b` / `a.c` | `x`, `y` (`code`, `message`) when not completed, `w` ([See](#see-this)), "
                + "`v` (`yes`/`no`): the next `piece` (`z`) |");
        var members = new LinkedHashMap<String, List<String>>();
        members.put("x", List.of());
        members.put("y", List.of("code", "message"));
        members.put("w", List.of());
        members.put("v", List.of("yes", "no"));
        assertEquals(Map.of("a.b", members, "a.c", members), parsed);
    }

    /** The members of an object, or of the objects of an array; null for anything else. */
    private static List<String> nested(JsonValue value) {
        if (value instanceof JsonObject object) {
            return List.copyOf(object.keySet());
        }
        if (value instanceof JsonArray array && !array.isEmpty() && array.get(0) instanceof JsonObject first) {
            return List.copyOf(first.keySet());
        }
        return null;
    }

    private static Map<String, Map<String, List<String>>> readmeTable() throws IOException {
        var lines = Files.readAllLines(readme());
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, "the README has the event table, headed " + HEADER);
        var table = new TreeMap<String, Map<String, List<String>>>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            row(lines.get(i)).forEach((type, members) ->
                    assertTrue(table.putIfAbsent(type, members) == null, type + " is in two rows"));
        }
        assertFalse(table.isEmpty());
        return table;
    }

    /**
     * Each type of the row with the row's members, in order, each with the names in the parentheses
     * right after it (empty without). Nothing after the first colon outside parentheses counts.
     */
    private static Map<String, Map<String, List<String>>> row(String line) {
        var cells = line.split("\\|");
        assertEquals(3, cells.length, "a row of two cells: " + line);
        var data = cells[2];
        var members = new LinkedHashMap<String, List<String>>();
        String last = null;
        int depth = 0;
        int groupStart = -1;
        var outside = new StringBuilder();
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '(') {
                if (depth++ == 0) {
                    groupStart = i + 1;
                    last = outside.toString().isBlank() ? last : null;
                    outside.setLength(0);
                }
            } else if (c == ')') {
                if (--depth == 0 && last != null) {
                    members.put(last, names(data.substring(groupStart, i)));
                    last = null;
                }
            } else if (depth == 0) {
                if (c == ':') {
                    break;
                }
                outside.append(c);
                var matcher = NAME.matcher(outside);
                if (matcher.find()) {
                    last = matcher.group(1);
                    members.put(last, List.of());
                    outside.setLength(0);
                }
            }
        }
        var row = new TreeMap<String, Map<String, List<String>>>();
        names(cells[1]).forEach(type -> row.put(type, members));
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
