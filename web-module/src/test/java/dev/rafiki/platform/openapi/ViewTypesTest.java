package dev.rafiki.platform.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.rafiki.platform.json.ApiJson;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated schemas against the resources and against JSON-B: every view type a resource
 * returns has its schema, under the name its {@code @APIResponse} refers to, built from that very
 * type; every schema a resource refers to exists (generated, or written by hand in
 * {@code openapi.yaml}); and what {@code ApiJson} writes of each view type follows its schema
 * member for member.
 */
class ViewTypesTest {

    /**
     * Schemas a resource answers with that stay written by hand although a record is returned,
     * and why.
     */
    static final Map<String, String> HAND_WRITTEN_VIEWS = Map.of(
            "DeadLetters", "its items are the broker's letters as JSON objects built by job.control.DeadLetters");

    static Map<String, JsonObject> generated;
    static Map<String, Type> types;
    static Set<String> handWritten;

    @BeforeAll
    static void generate() throws IOException {
        generated = ViewSchemas.of(ApiDocument.viewTypes());
        types = ViewSchemas.types(ApiDocument.viewTypes());
        handWritten = handWrittenSchemas();
    }

    /** The names under {@code components.schemas} in {@code META-INF/openapi.yaml}. */
    static Set<String> handWrittenSchemas() throws IOException {
        try (var in = ViewTypesTest.class.getResourceAsStream("/META-INF/openapi.yaml")) {
            var names = new TreeSet<String>();
            boolean inSchemas = false;
            for (var line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.matches("^  \\w.*")) {
                    inSchemas = line.startsWith("  schemas:");
                } else if (inSchemas && line.matches("^    [A-Za-z0-9]+:\\s*$")) {
                    names.add(line.strip().replace(":", ""));
                }
            }
            return names;
        }
    }

    @Test
    void everyFeatureListsSomething() {
        assertTrue(generated.keySet().containsAll(List.of("SessionView", "SessionPage", "PromptView", "QueryResult", "JobView",
                "JobPage", "ArtifactList", "MessagePage", "QueueView", "StreamToken", "ScheduleView", "BudgetView", "AgentView",
                "ToolList")), generated.keySet().toString());
    }

    @Test
    void noSchemaIsBothGeneratedAndWrittenByHand() {
        var both = new TreeSet<>(handWritten);
        both.retainAll(generated.keySet());
        assertEquals(Set.of(), both, "take these out of openapi.yaml: the generated ones replace them");
        assertTrue(handWritten.contains("Problem") && handWritten.contains("QueryRequest"), handWritten.toString());
    }

    @Test
    void everyViewTypeAResourceReturnsHasItsGeneratedSchema() throws Exception {
        var problems = new ArrayList<String>();
        var resources = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.rafiki").stream().filter(c -> c.isAnnotatedWith("jakarta.ws.rs.Path")).toList();
        assertTrue(resources.size() > 10, "resources found: " + resources.size());
        int checked = 0;
        for (var resource : resources) {
            for (Method method : Class.forName(resource.getName()).getDeclaredMethods()) {
                if (Arrays.stream(method.getAnnotations()).noneMatch(a -> a.annotationType().isAnnotationPresent(jakarta.ws.rs.HttpMethod.class))) {
                    continue;
                }
                var where = resource.getSimpleName() + "." + method.getName();
                var refs = Arrays.stream(method.getAnnotationsByType(APIResponse.class))
                        .filter(r -> r.responseCode().startsWith("2"))
                        .flatMap(r -> Arrays.stream(r.content())).map(c -> c.schema().ref()).filter(r -> !r.isEmpty())
                        .distinct().toList();
                for (var ref : refs) {
                    if (!generated.containsKey(ref) && !handWritten.contains(ref)) {
                        problems.add(where + " refers to the schema " + ref + ", which is neither generated nor in openapi.yaml");
                    }
                }
                var returned = method.getGenericReturnType();
                if (!view(returned)) {
                    continue;
                }
                if (refs.isEmpty()) {
                    problems.add(where + " returns " + returned.getTypeName() + " without a schema in its @APIResponse");
                }
                for (var ref : refs) {
                    checked++;
                    if (HAND_WRITTEN_VIEWS.containsKey(ref)) {
                        continue;
                    }
                    var type = returned instanceof ParameterizedType p
                            ? ViewTypes.named(ref, (Class<?>) p.getRawType(), p.getActualTypeArguments()) : returned;
                    if (!generated.containsKey(ref)) {
                        problems.add(where + " returns " + returned.getTypeName() + " as " + ref
                                + ", which has no generated schema: list the type in its feature's ViewTypes");
                    } else if (!ViewSchemas.of(List.of(type)).get(ref).equals(generated.get(ref))) {
                        problems.add(where + " returns " + returned.getTypeName() + " as " + ref + ", but " + ref
                                + " is generated from " + types.get(ref).getTypeName());
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checked > 20, "view-returning operations checked: " + checked);
    }

    /**
     * Payara's OpenAPI scanner (6.2025.10) takes any method annotated with {@code @Schema} whose
     * name contains "set" for a setter and reads its first parameter: a record accessor such as
     * {@code resetsAt()} made {@code GET /openapi} fail with a 500.
     */
    @Test
    void noAnnotatedMemberLooksLikeASetterToPayara() {
        var problems = new ArrayList<String>();
        types.values().forEach(type -> {
            var raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
            for (var component : raw.getRecordComponents()) {
                if (component.getAccessor().isAnnotationPresent(Schema.class) && component.getName().toLowerCase().contains("set")) {
                    problems.add(raw.getName() + "." + component.getName());
                }
            }
        });
        assertEquals(List.of(), problems, "describe these on the record instead");
    }

    static boolean view(Type type) {
        var raw = type instanceof ParameterizedType p ? p.getRawType() : type;
        return raw instanceof Class<?> c && c.isRecord();
    }

    /** What ApiJson writes of a value of every view type, every member set, has exactly the members of its schema. */
    @Test
    void jsonbWritesWhatTheSchemasSay() {
        var problems = new ArrayList<String>();
        types.forEach((name, type) -> {
            var json = Json.createReader(new StringReader(ApiJson.JSONB.toJson(sample(type, 0)))).readValue();
            conform(problems, name, Json.createObjectBuilder().add("$ref", ViewSchemas.COMPONENTS + name).build(), json);
        });
        assertEquals(List.of(), problems);
    }

    static void conform(List<String> problems, String where, JsonObject schemaOrRef, JsonValue value) {
        var schema = schemaOrRef;
        if (schema.containsKey("$ref")) {
            var name = schema.getString("$ref").substring(ViewSchemas.COMPONENTS.length());
            if (!generated.containsKey(name)) {
                assertTrue(handWritten.contains(name), where + ": a reference to nothing: " + name);
                return;
            }
            schema = generated.get(name);
        }
        if (schema.containsKey("allOf")) {
            for (var part : schema.getJsonArray("allOf")) {
                conform(problems, where, part.asJsonObject(), value);
            }
            return;
        }
        switch (schema.getString("type", "")) {
            case "object" -> {
                if (!(value instanceof JsonObject object)) {
                    problems.add(where + ": not an object: " + value);
                } else if (schema.containsKey("properties")) {
                    var properties = schema.getJsonObject("properties");
                    var path = where;
                    if (!properties.keySet().equals(object.keySet())) {
                        problems.add(where + ": JSON-B writes " + object.keySet() + ", the schema says " + properties.keySet());
                    }
                    object.forEach((key, member) -> {
                        if (properties.containsKey(key)) {
                            conform(problems, path + "." + key, properties.getJsonObject(key), member);
                        }
                    });
                }
            }
            case "array" -> {
                if (!(value instanceof JsonArray array)) {
                    problems.add(where + ": not an array: " + value);
                } else if (schema.containsKey("items")) {
                    var items = schema.getJsonObject("items");
                    array.forEach(item -> conform(problems, where + "[]", items, item));
                }
            }
            case "string" -> {
                if (!(value instanceof JsonString string)) {
                    problems.add(where + ": not a string: " + value);
                } else if (schema.containsKey("enum") && !schema.getJsonArray("enum").contains(string)) {
                    problems.add(where + ": " + string + " is not one of " + schema.get("enum"));
                }
            }
            case "integer" -> {
                if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
                    problems.add(where + ": not an integer: " + value);
                }
            }
            case "number" -> {
                if (!(value instanceof JsonNumber)) {
                    problems.add(where + ": not a number: " + value);
                }
            }
            case "boolean" -> {
                if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
                    problems.add(where + ": not a boolean: " + value);
                }
            }
            default -> {
                // any value
            }
        }
    }

    /** A value of a view type with every member set (an allowed string where the member names its strings). */
    static Object sample(Type type, int depth) {
        var raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        var components = raw.getRecordComponents();
        var arguments = new Object[components.length];
        var types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            arguments[i] = value(components[i], type, depth);
        }
        try {
            var constructor = raw.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static Object value(RecordComponent component, Type owner, int depth) {
        var schema = component.getAccessor().getAnnotation(Schema.class);
        var type = component.getGenericType();
        if (type instanceof java.lang.reflect.TypeVariable<?> variable && owner instanceof ParameterizedType p) {
            var index = Arrays.asList(((Class<?>) p.getRawType()).getTypeParameters()).indexOf(variable);
            type = p.getActualTypeArguments()[index];
        }
        if (schema != null && schema.enumeration().length > 0) {
            return schema.enumeration()[0];
        }
        return simple(type, owner, depth);
    }

    static Object simple(Type type, Type owner, int depth) {
        if (type instanceof ParameterizedType p) {
            var raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) {
                var element = p.getActualTypeArguments()[0];
                if (element instanceof java.lang.reflect.TypeVariable<?> variable && owner instanceof ParameterizedType o) {
                    var index = Arrays.asList(((Class<?>) o.getRawType()).getTypeParameters()).indexOf(variable);
                    element = o.getActualTypeArguments()[index];
                }
                return List.of(simple(element, owner, depth));
            }
            return sample(p, depth + 1);
        }
        var c = (Class<?>) type;
        if (c.isRecord()) {
            return depth > 10 ? null : sample(c, depth + 1);
        }
        return Map.<Class<?>, Object>ofEntries(Map.entry(String.class, "s"), Map.entry(UUID.class, new UUID(1, 2)),
                Map.entry(Instant.class, Instant.EPOCH), Map.entry(int.class, 1), Map.entry(Integer.class, 1),
                Map.entry(long.class, 1L), Map.entry(Long.class, 1L), Map.entry(double.class, 1.5), Map.entry(Double.class, 1.5),
                Map.entry(boolean.class, true), Map.entry(Boolean.class, true), Map.entry(JsonObject.class, JsonValue.EMPTY_JSON_OBJECT),
                Map.entry(JsonArray.class, JsonValue.EMPTY_JSON_ARRAY), Map.entry(JsonValue.class, JsonValue.TRUE))
                .entrySet().stream().filter(e -> e.getKey() == c).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no sample of " + c));
    }

}
