package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonValue;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every request body goes through {@link JsonInput} only if every resource takes its body as a
 * {@link JsonValue}, the one type {@link JsonBodyReader} reads: a record or a JsonObject would be
 * read by the container's JSON-B or JSON-P reader, unbounded. This fails the build when one does.
 * The one exception is a binary upload, which is no JSON at all: it takes the raw
 * {@link InputStream} (never parsed, streamed to disk under its own limit, which the edge filter
 * enforces for exactly these routes), and each such route is named here, so a new one is a
 * decision and not an accident.
 */
class RequestBodiesTest {

    /** Routes whose body is a file, not JSON: {@code PUT /session/{id}/files/{path}}. */
    static final Set<String> BINARY_UPLOADS = Set.of("FilesResource.upload");

    static final Set<Class<?>> NOT_THE_BODY = Set.of(PathParam.class, QueryParam.class, HeaderParam.class,
            CookieParam.class, MatrixParam.class, FormParam.class, BeanParam.class, Context.class, Suspended.class);

    @Test
    void everyResourceTakesItsBodyAsAJsonValue() throws Exception {
        var bodies = new ArrayList<String>();
        for (var type : applicationClasses()) {
            for (var method : type.getDeclaredMethods()) {
                if (!isResourceMethod(method)) {
                    continue;
                }
                for (var parameter : method.getParameters()) {
                    if (isBody(parameter)) {
                        var where = type.getSimpleName() + "." + method.getName();
                        if (BINARY_UPLOADS.contains(where)) {
                            assertEquals(InputStream.class, parameter.getType(), where + " streams its body");
                            assertTrue(method.isAnnotationPresent(jakarta.ws.rs.PUT.class), where + " is a PUT");
                        } else {
                            assertEquals(JsonValue.class, parameter.getType(), where + " must take its body as a JsonValue");
                        }
                        bodies.add(where);
                    }
                }
            }
        }
        // the routes known to take a body: the check above saw them
        assertTrue(bodies.containsAll(List.of("QueryResource.query", "SessionsResource.create", "JobsResource.submit",
                "AgentsResource.create", "AgentsResource.replace", "FilesResource.link", "ArtifactDownloads.link")),
                bodies.toString());
        assertTrue(bodies.containsAll(BINARY_UPLOADS), bodies.toString());
    }

    static boolean isResourceMethod(Method method) {
        for (var annotation : method.getAnnotations()) {
            if (annotation.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return false;
    }

    static boolean isBody(Parameter parameter) {
        for (var annotation : parameter.getAnnotations()) {
            if (NOT_THE_BODY.contains(annotation.annotationType())) {
                return false;
            }
        }
        return true;
    }

    /** The web module's own classes, read from where this module's main classes were compiled. */
    static List<Class<?>> applicationClasses() throws IOException, ClassNotFoundException {
        var root = Path.of(RestApplication.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        var names = new ArrayList<String>();
        try (var files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> names.add(
                    root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "")));
        }
        var classes = new ArrayList<Class<?>>();
        for (var name : names) {
            var type = Class.forName(name, false, RequestBodiesTest.class.getClassLoader());
            if (hasResourceMethod(type)) {
                classes.add(type);
            }
        }
        return classes;
    }

    static boolean hasResourceMethod(Class<?> type) {
        for (var method : type.getDeclaredMethods()) {
            if (isResourceMethod(method)) {
                return true;
            }
        }
        return false;
    }
}
