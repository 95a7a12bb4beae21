package dev.rafiki.platform.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads every JSON request body through {@link JsonInput}, in place of the container's JSON-P
 * reader, which accepts trailing data and duplicate keys, and answers deep nesting and long
 * numbers with a 500. Resources take their body as a {@link JsonValue} and nothing else (a unit
 * test checks it), so no body reaches the container's JSON-P or JSON-B readers. It declares the
 * same media types as that reader, so neither is nearer to a request's type; between equals
 * Jersey takes the application's provider, and the priority settles it should there be others.
 * A body of another media type is refused by the resource's {@code @Consumes} (415) before any
 * reader is chosen.
 */
@Provider
@Priority(1)
@Consumes({MediaType.APPLICATION_JSON, "text/json", MediaType.WILDCARD})
public class JsonBodyReader implements MessageBodyReader<JsonValue> {

    /** Looked up, not injected: like the filters, this provider is made by JAX-RS, not by CDI. */
    private volatile JsonInput input;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        var subtype = mediaType.getSubtype();
        return type == JsonValue.class && (subtype.equals("json") || subtype.endsWith("+json"));
    }

    @Override
    public JsonValue readFrom(Class<JsonValue> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                              MultivaluedMap<String, String> headers, InputStream body) {
        return input().read(body);
    }

    private JsonInput input() {
        var known = input;
        if (known == null) {
            known = CDI.current().select(JsonInput.class).get();
            input = known;
        }
        return known;
    }
}
