package dev.rafiki.platform.openapi;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The OpenAPI schemas of the API's view types, read from the types themselves so that the
 * document cannot say something else than what JSON-B writes. A record is an object whose members
 * are its components under the names {@code ApiJson} gives them (snake_case, or
 * {@code @JsonbProperty}; {@code @JsonbTransient} ones left out); a record reached from another is
 * a component of its own, referred to by name. What a Java type cannot say is said on it with
 * MicroProfile OpenAPI's {@link Schema}: the component's name and description on the record, and
 * on a member its description, an example, its allowed strings ({@code enumeration}), {@code format},
 * {@code minimum}/{@code maximum}, {@code ref} (a schema written by hand; with {@code type = ARRAY}, that of
 * the items, as MicroProfile reads {@code implementation}), and
 * {@code required} (a member the record always has; one of a primitive type always has it, since
 * JSON-B leaves out only nulls).
 *
 * <p>The schemas are JSON (what OpenAPI 3.0 and 3.1 read alike: one type per schema, no nullable), so this class needs no
 * MicroProfile OpenAPI implementation; {@link ApiDocument} turns them into the document's model.
 */
public final class ViewSchemas {

    static final String COMPONENTS = "#/components/schemas/";

    private final Map<String, JsonObject> schemas = new TreeMap<>();
    private final Map<String, Type> owners = new HashMap<>();

    private ViewSchemas() {
    }

    /** The schemas of these types and of every record they reach, by component name. */
    public static Map<String, JsonObject> of(Collection<? extends Type> roots) {
        var generator = new ViewSchemas();
        roots.forEach(generator::component);
        return Collections.unmodifiableMap(generator.schemas);
    }

    /** The types behind the schemas {@link #of} builds for these roots, by component name. */
    public static Map<String, Type> types(Collection<? extends Type> roots) {
        var generator = new ViewSchemas();
        roots.forEach(generator::component);
        return Collections.unmodifiableMap(new TreeMap<>(generator.owners));
    }

    /** The component name of a view type: {@code @Schema(name)} on the record, else its simple name. */
    public static String name(Type type) {
        if (type instanceof ViewTypes.Named named) {
            return named.name();
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            var schema = c.getAnnotation(Schema.class);
            return schema != null && !schema.name().isEmpty() ? schema.name() : c.getSimpleName();
        }
        throw new IllegalArgumentException("not a view type (a record, or a generic one named with ViewTypes.named): " + type);
    }

    /** Builds a record's component once (a cycle stops at the name) and answers its name. */
    private String component(Type type) {
        var name = name(type);
        var owner = owners.putIfAbsent(name, type);
        if (owner != null) {
            if (!owner.equals(type)) {
                throw new IllegalArgumentException("two view types under the component name " + name + ": " + owner.getTypeName()
                        + " and " + type.getTypeName() + " (name one with @Schema(name = …))");
            }
            return name;
        }
        schemas.put(name, object(type));
        return name;
    }

    private JsonObject object(Type type) {
        var raw = raw(type);
        var bindings = new HashMap<TypeVariable<?>, Type>();
        if (type instanceof ParameterizedType parameterized) {
            var variables = raw.getTypeParameters();
            var arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                bindings.put(variables[i], arguments[i]);
            }
        }
        var object = Json.createObjectBuilder().add("type", "object");
        var annotation = raw.getAnnotation(Schema.class);
        carriedOver(annotation, ON_RECORDS, raw.getName());
        if (annotation != null && !annotation.description().isEmpty()) {
            object.add("description", annotation.description());
        }
        var properties = Json.createObjectBuilder();
        var names = new LinkedHashSet<String>();
        var required = new LinkedHashSet<String>();
        for (var component : raw.getRecordComponents()) {
            if (annotation(component, JsonbTransient.class) != null) {
                continue;
            }
            var name = jsonName(component);
            var schema = annotation(component, Schema.class);
            carriedOver(schema, ON_MEMBERS, raw.getName() + "." + component.getName());
            names.add(name);
            properties.add(name, member(resolve(component.getGenericType(), bindings), schema));
            if (component.getType().isPrimitive() || schema != null && schema.required()) {
                required.add(name);
            }
        }
        if (annotation != null) {
            for (var name : annotation.requiredProperties()) {
                if (!names.contains(name)) {
                    throw new IllegalArgumentException(raw.getName() + " requires " + name + ", which it does not have");
                }
                required.add(name);
            }
        }
        object.add("properties", properties);
        if (!required.isEmpty()) {
            object.add("required", Json.createArrayBuilder(required.stream().toList()));
        }
        return object.build();
    }

    static final Set<String> ON_RECORDS = Set.of("name", "description", "requiredProperties");
    static final Set<String> ON_MEMBERS = Set.of("required", "description", "example", "enumeration", "format", "minimum",
            "maximum", "ref", "type");

    /**
     * Refuses a {@code @Schema} attribute this generator does not carry into the schema (and
     * {@code type} other than {@code ARRAY} beside a {@code ref}): an annotation that said
     * something the document then does not say would be a second, wrong source.
     */
    private static void carriedOver(Schema annotation, Set<String> supported, String where) {
        if (annotation == null) {
            return;
        }
        var ignored = new TreeSet<String>();
        for (var attribute : Schema.class.getDeclaredMethods()) {
            try {
                if (!supported.contains(attribute.getName())
                        && !Objects.deepEquals(attribute.invoke(annotation), attribute.getDefaultValue())) {
                    ignored.add(attribute.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        if (annotation.type() != SchemaType.DEFAULT && (annotation.type() != SchemaType.ARRAY || annotation.ref().isEmpty())) {
            ignored.add("type");
        }
        if (!ignored.isEmpty()) {
            throw new IllegalArgumentException("@Schema on " + where + " sets " + ignored + ", which ViewSchemas does not carry over");
        }
    }

    private JsonObject member(Type type, Schema annotation) {
        if (annotation != null && !annotation.ref().isEmpty()) {
            // as MicroProfile reads implementation with type = ARRAY: the items' schema
            return described(annotation.type() == SchemaType.ARRAY ? array(reference(annotation.ref())) : reference(annotation.ref()),
                    annotation);
        }
        return described(schema(type), annotation);
    }

    /** The member's annotation on a schema; a reference gets its description beside it through allOf, as OpenAPI 3.0 wants. */
    private static JsonObject described(JsonObject schema, Schema annotation) {
        if (annotation == null) {
            return schema;
        }
        var member = schema.containsKey("$ref")
                ? Json.createObjectBuilder().add("allOf", Json.createArrayBuilder().add(schema))
                : Json.createObjectBuilder(schema);
        if (!annotation.format().isEmpty()) {
            member.add("format", annotation.format());
        }
        if (!annotation.description().isEmpty()) {
            member.add("description", annotation.description());
        }
        if (!annotation.example().isEmpty()) {
            member.add("example", annotation.example());
        }
        if (annotation.enumeration().length > 0) {
            member.add("enum", Json.createArrayBuilder(Arrays.asList(annotation.enumeration())));
        }
        if (!annotation.minimum().isEmpty()) {
            member.add("minimum", new BigDecimal(annotation.minimum()));
        }
        if (!annotation.maximum().isEmpty()) {
            member.add("maximum", new BigDecimal(annotation.maximum()));
        }
        var built = member.build();
        return built.containsKey("allOf") && built.size() == 1 ? schema : built;
    }

    private JsonObject schema(Type type) {
        if (type instanceof ViewTypes.Named) {
            return reference(component(type));
        }
        if (type instanceof WildcardType wildcard) {
            return schema(wildcard.getUpperBounds()[0]);
        }
        if (type instanceof GenericArrayType array) {
            return array(schema(array.getGenericComponentType()));
        }
        if (type instanceof ParameterizedType parameterized) {
            var raw = (Class<?>) parameterized.getRawType();
            var arguments = parameterized.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return array(schema(arguments[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Json.createObjectBuilder().add("type", "object").add("additionalProperties", schema(arguments[1])).build();
            }
            throw new IllegalArgumentException("no schema for " + type + " (a generic record must be named with ViewTypes.named)");
        }
        if (!(type instanceof Class<?> c)) {
            throw new IllegalArgumentException("no schema for " + type);
        }
        if (c.isRecord()) {
            return reference(component(c));
        }
        if (c.isEnum()) {
            var values = Json.createArrayBuilder();
            for (var constant : c.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
            return Json.createObjectBuilder().add("type", "string").add("enum", values).build();
        }
        if (c.isArray()) {
            return array(schema(c.getComponentType()));
        }
        var simple = SIMPLE.get(c);
        if (simple != null) {
            return simple;
        }
        if (JsonObject.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            return OBJECT;
        }
        if (JsonArray.class.isAssignableFrom(c) || Collection.class.isAssignableFrom(c)) {
            return Json.createObjectBuilder().add("type", "array").build();
        }
        if (c == JsonValue.class || c == Object.class) {
            return JsonValue.EMPTY_JSON_OBJECT; // any JSON value
        }
        throw new IllegalArgumentException("no schema for " + c.getName());
    }

    private static final JsonObject OBJECT = Json.createObjectBuilder().add("type", "object").build();

    private static final Map<Class<?>, JsonObject> SIMPLE = simple();

    private static Map<Class<?>, JsonObject> simple() {
        var map = new HashMap<Class<?>, JsonObject>();
        var string = typed("string", null);
        for (var c : new Class<?>[] {String.class, CharSequence.class, char.class, Character.class}) {
            map.put(c, string);
        }
        map.put(UUID.class, typed("string", "uuid"));
        for (var c : new Class<?>[] {Instant.class, OffsetDateTime.class, ZonedDateTime.class}) {
            map.put(c, typed("string", "date-time"));
        }
        map.put(LocalDate.class, typed("string", "date"));
        for (var c : new Class<?>[] {int.class, Integer.class, short.class, Short.class, byte.class, Byte.class}) {
            map.put(c, typed("integer", "int32"));
        }
        map.put(long.class, typed("integer", "int64"));
        map.put(Long.class, typed("integer", "int64"));
        map.put(BigInteger.class, typed("integer", null));
        map.put(double.class, typed("number", "double"));
        map.put(Double.class, typed("number", "double"));
        map.put(float.class, typed("number", "float"));
        map.put(Float.class, typed("number", "float"));
        map.put(BigDecimal.class, typed("number", null));
        map.put(boolean.class, typed("boolean", null));
        map.put(Boolean.class, typed("boolean", null));
        return Map.copyOf(map);
    }

    private static JsonObject typed(String type, String format) {
        var schema = Json.createObjectBuilder().add("type", type);
        if (format != null) {
            schema.add("format", format);
        }
        return schema.build();
    }

    private static JsonObject array(JsonObject items) {
        return Json.createObjectBuilder().add("type", "array").add("items", items).build();
    }

    private static JsonObject reference(String name) {
        return Json.createObjectBuilder().add("$ref", COMPONENTS + name).build();
    }

    private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
        if (type instanceof TypeVariable<?> variable) {
            var bound = bindings.get(variable);
            if (bound == null) {
                throw new IllegalArgumentException("the type variable " + variable + " of " + variable.getGenericDeclaration()
                        + " is not bound (name the generic type with ViewTypes.named)");
            }
            return bound;
        }
        if (type instanceof ParameterizedType parameterized && !(type instanceof ViewTypes.Named)) {
            var arguments = parameterized.getActualTypeArguments().clone();
            boolean changed = false;
            for (int i = 0; i < arguments.length; i++) {
                var resolved = resolve(arguments[i], bindings);
                changed |= resolved != arguments[i];
                arguments[i] = resolved;
            }
            if (changed) {
                var raw = (Class<?>) parameterized.getRawType();
                if (raw.isRecord()) {
                    throw new IllegalArgumentException("a generic record inside a generic record: " + type);
                }
                return new ViewTypes.Generic(raw, arguments);
            }
        }
        return type;
    }

    private static Class<?> raw(Type type) {
        var raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
        if (!raw.isRecord()) {
            throw new IllegalArgumentException("not a record: " + raw.getName());
        }
        return raw;
    }

    /** The member's name as {@code ApiJson} writes it. */
    static String jsonName(RecordComponent component) {
        var property = annotation(component, JsonbProperty.class);
        if (property != null && !property.value().isEmpty()) {
            return property.value();
        }
        return snakeCase(component.getName());
    }

    /**
     * Yasson's {@code LOWER_CASE_WITH_UNDERSCORES}: all lower case, with an underscore before an
     * upper-case letter that follows a lower-case one ({@code a1B} is {@code a1b}, {@code xMLHttp}
     * is {@code x_mlhttp}; {@code ViewSchemasTest} holds it to Yasson's own answer).
     */
    static String snakeCase(String name) {
        var text = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(name.charAt(i - 1))) {
                text.append('_');
            }
            text.append(Character.toLowerCase(c));
        }
        return text.toString();
    }

    /**
     * An annotation of a record component: on the component itself, or where Java puts it for
     * annotation types that cannot target components (the accessor, the field).
     */
    private static <A extends java.lang.annotation.Annotation> A annotation(RecordComponent component, Class<A> type) {
        for (AnnotatedElement element : new AnnotatedElement[] {component, component.getAccessor(), field(component)}) {
            var found = element == null ? null : element.getAnnotation(type);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Field field(RecordComponent component) {
        try {
            return component.getDeclaringRecord().getDeclaredField(component.getName());
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
