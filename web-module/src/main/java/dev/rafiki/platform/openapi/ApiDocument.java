package dev.rafiki.platform.openapi;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The OpenAPI document as the scanner leaves it, finished in four steps:
 * <ul>
 * <li>The schemas of the answers come from the Java types the resources return ({@link ViewSchemas}
 * over every feature's {@link ViewTypes}), so the document says what JSON-B writes;
 * {@code META-INF/openapi.yaml} keeps only the schemas no view type stands behind.</li>
 * <li>Schemas nothing refers to, which Payara's scanner makes of the returned types, are dropped.</li>
 * <li>OpenAPI names a path parameter {@code {path}}; JAX-RS needs {@code {path: .+}} to let one
 * span several segments (a workspace file's path). The scanner copies the JAX-RS template as it
 * is, so the regular expressions are taken out of the document's paths.</li>
 * <li>The answers every route may give (a rate limit, a server error) and every route behind a
 * token (401, 403) are declared here once, for every operation, instead of on each resource
 * (where Payara also drops a class's responses from a method that declares only one).</li>
 * </ul>
 */
public class ApiDocument implements OASFilter {

    /** Signed links carry their own proof instead of a token; their 403 is a bad link, declared on them. */
    static final String SIGNED = "/signed/";

    static final Map<String, String> EVERY_ROUTE = Map.of("429", "TooManyRequests", "500", "ServerError");
    static final Map<String, String> BEHIND_A_TOKEN = Map.of("401", "Unauthorized", "403", "Forbidden");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        ViewSchemas.of(viewTypes()).forEach((name, schema) -> openAPI.getComponents().addSchema(name, model(schema)));
        var paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null) {
            return;
        }
        pruneUnreferencedSchemas(openAPI);
        for (var name : new ArrayList<>(paths.getPathItems().keySet())) {
            var item = paths.getPathItem(name);
            var plain = plain(name);
            if (!plain.equals(name)) {
                paths.removePathItem(name);
                paths.addPathItem(plain, item);
            }
            for (var operation : item.getOperations().values()) {
                declare(operation, EVERY_ROUTE);
                if (!plain.startsWith(SIGNED)) {
                    declare(operation, BEHIND_A_TOKEN);
                }
            }
        }
    }

    private static void declare(Operation operation, Map<String, String> responses) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        responses.forEach((status, component) -> {
            if (!operation.getResponses().hasAPIResponse(status)) {
                operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
            }
        });
    }

    /**
     * Payara's scanner adds a schema of its own for every type a resource method returns, named
     * after the Java class and with its Java field names; where the generated schema has the same
     * name it is replaced, the others ({@code Page}, {@code Letters}) nothing refers to. Only
     * schemas are pruned: every component response, request body, parameter and header counts as used.
     */
    static void pruneUnreferencedSchemas(OpenAPI openAPI) {
        var components = openAPI.getComponents();
        if (components.getSchemas() == null) {
            return;
        }
        var reached = new HashSet<String>();
        var pending = new ArrayDeque<Schema>();
        Consumer<Schema> reach = schema -> {
            if (schema != null) {
                pending.add(schema);
            }
        };
        Consumer<Content> content = media -> {
            if (media != null && media.getMediaTypes() != null) {
                media.getMediaTypes().values().forEach(type -> reach.accept(type.getSchema()));
            }
        };
        Consumer<Parameter> parameter = p -> {
            reach.accept(p.getSchema());
            content.accept(p.getContent());
        };
        Consumer<APIResponse> response = r -> {
            content.accept(r.getContent());
            if (r.getHeaders() != null) {
                r.getHeaders().values().forEach(h -> reach.accept(h.getSchema()));
            }
        };
        for (var item : openAPI.getPaths().getPathItems().values()) {
            if (item.getParameters() != null) {
                item.getParameters().forEach(parameter);
            }
            for (var operation : item.getOperations().values()) {
                if (operation.getParameters() != null) {
                    operation.getParameters().forEach(parameter);
                }
                if (operation.getRequestBody() != null) {
                    content.accept(operation.getRequestBody().getContent());
                }
                if (operation.getResponses() != null && operation.getResponses().getAPIResponses() != null) {
                    operation.getResponses().getAPIResponses().values().forEach(response);
                }
            }
        }
        if (components.getResponses() != null) {
            components.getResponses().values().forEach(response);
        }
        if (components.getRequestBodies() != null) {
            components.getRequestBodies().values().forEach(body -> content.accept(body.getContent()));
        }
        if (components.getParameters() != null) {
            components.getParameters().values().forEach(parameter);
        }
        if (components.getHeaders() != null) {
            components.getHeaders().values().forEach(h -> reach.accept(h.getSchema()));
        }
        while (!pending.isEmpty()) {
            var schema = pending.poll();
            var ref = schema.getRef();
            if (ref != null && ref.startsWith(ViewSchemas.COMPONENTS)) {
                var name = ref.substring(ViewSchemas.COMPONENTS.length());
                if (reached.add(name)) {
                    reach.accept(components.getSchemas().get(name));
                }
            }
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(reach);
            }
            reach.accept(schema.getItems());
            reach.accept(schema.getNot());
            reach.accept(schema.getAdditionalPropertiesSchema());
            for (var parts : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
                if (parts != null) {
                    parts.forEach(reach);
                }
            }
        }
        for (var name : new ArrayList<>(components.getSchemas().keySet())) {
            if (!reached.contains(name)) {
                components.removeSchema(name);
            }
        }
    }

    /** Every feature's view types, as registered with the service loader. */
    static List<Type> viewTypes() {
        var types = new ArrayList<Type>();
        ServiceLoader.load(ViewTypes.class, ApiDocument.class.getClassLoader()).forEach(list -> types.addAll(list.types()));
        return types;
    }

    /** A generated schema (the JSON of {@link ViewSchemas}) as the document's model. */
    static Schema model(JsonObject json) {
        var schema = OASFactory.createSchema();
        json.forEach((key, value) -> {
            switch (key) {
                case "$ref" -> schema.setRef(text(value));
                case "type" -> typed(schema, Schema.SchemaType.valueOf(text(value).toUpperCase()));
                case "format" -> schema.setFormat(text(value));
                case "description" -> schema.setDescription(text(value));
                case "example" -> schema.setExample(text(value));
                case "minimum" -> schema.setMinimum(((JsonNumber) value).bigDecimalValue());
                case "maximum" -> schema.setMaximum(((JsonNumber) value).bigDecimalValue());
                case "enum" -> schema.setEnumeration(new ArrayList<>(value.asJsonArray().stream().map(ApiDocument::text).toList()));
                case "required" -> schema.setRequired(new ArrayList<>(value.asJsonArray().stream().map(ApiDocument::text).toList()));
                case "items" -> schema.setItems(model(value.asJsonObject()));
                case "additionalProperties" -> schema.setAdditionalPropertiesSchema(model(value.asJsonObject()));
                case "allOf" -> value.asJsonArray().forEach(part -> schema.addAllOf(model(part.asJsonObject())));
                case "properties" -> value.asJsonObject().forEach((name, property) -> schema.addProperty(name, model(property.asJsonObject())));
                default -> throw new IllegalArgumentException("a schema keyword ApiDocument does not carry over: " + key);
            }
        });
        return schema;
    }

    /**
     * Gives a schema its one type. MicroProfile OpenAPI 4 (Payara Micro 7, whose document is OpenAPI
     * 3.1) lists a schema's types ({@code addType}) where 3.x (Payara Server 6) has one
     * ({@code setType}); the same WAR runs on both, so the method is found once, at first use.
     */
    private static final MethodHandle SET_TYPE = typeSetter();

    private static MethodHandle typeSetter() {
        var lookup = MethodHandles.publicLookup();
        try {
            return lookup.findVirtual(Schema.class, "addType", MethodType.methodType(Schema.class, Schema.SchemaType.class));
        } catch (NoSuchMethodException e) {
            try {
                return lookup.findVirtual(Schema.class, "setType", MethodType.methodType(void.class, Schema.SchemaType.class));
            } catch (ReflectiveOperationException none) {
                throw new IllegalStateException("MicroProfile OpenAPI's Schema has neither addType nor setType", none);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static void typed(Schema schema, Schema.SchemaType type) {
        try {
            SET_TYPE.invoke(schema, type);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonValue value) {
        return ((JsonString) value).getString();
    }

    static String plain(String template) {
        return template.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
    }
}
