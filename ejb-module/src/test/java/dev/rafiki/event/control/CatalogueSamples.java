package dev.rafiki.event.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One event of every record of the catalogue and every value of its enums, each member set (no
 * optional member left out), built from the records' components: a record added to the catalogue
 * is covered without touching the tests.
 */
final class CatalogueSamples {

    static final UUID PROMPT = UUID.fromString("0b6a4c1e-7f43-4d7a-9c55-2f0e1a3b4c5d");

    private CatalogueSamples() {
    }

    static List<SessionEvent> all() {
        var events = new ArrayList<SessionEvent>();
        for (var kind : SessionEvent.class.getPermittedSubclasses()) {
            for (var instance : instances(kind)) {
                events.add((SessionEvent) instance);
            }
        }
        return events;
    }

    static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** One instance per combination of the enum components' values. */
    private static List<Object> instances(Class<?> record) {
        var components = record.getRecordComponents();
        var combinations = new ArrayList<Object[]>();
        combinations.add(new Object[components.length]);
        for (int i = 0; i < components.length; i++) {
            var choices = values(components[i].getType(), components[i].getGenericType());
            var next = new ArrayList<Object[]>();
            for (var combination : combinations) {
                for (var choice : choices) {
                    var extended = combination.clone();
                    extended[i] = choice;
                    next.add(extended);
                }
            }
            combinations = next;
        }
        var types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        var instances = new ArrayList<Object>();
        try {
            var constructor = record.getDeclaredConstructor(types);
            for (var combination : combinations) {
                instances.add(constructor.newInstance(combination));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a " + record.getSimpleName(), e);
        }
        return instances;
    }

    private static List<?> values(Class<?> type, Type generic) {
        if (type == UUID.class) {
            return List.of(PROMPT);
        } else if (type == String.class) {
            return List.of("a \"text\"\n");
        } else if (type == int.class || type == long.class) {
            return type == int.class ? List.of(3) : List.of(3L);
        } else if (type == boolean.class) {
            return List.of(true);
        } else if (type == Instant.class) {
            return List.of(Instant.parse("2026-12-02T10:15:30.123456Z"));
        } else if (type == JsonValue.class) {
            // a model's tool arguments: any JSON, opaque to the catalogue (EventDataTest writes objects too)
            return List.of(Json.createValue("{\"path\": \"a.txt\"}"));
        } else if (type.isEnum()) {
            return List.of(type.getEnumConstants());
        } else if (type.isRecord()) {
            return List.of(instances(type).get(0));
        } else if (type == List.class) {
            var element = (Class<?>) ((ParameterizedType) generic).getActualTypeArguments()[0];
            return List.of(List.of(instances(element).get(0)));
        }
        throw new IllegalStateException("no sample for a component of type " + type
                + ": teach CatalogueSamples this type");
    }
}
