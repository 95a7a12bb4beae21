package dev.rafiki.platform.http;

import dev.rafiki.platform.json.ApiJson;
import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** The API speaks snake_case JSON; absent values are left out rather than sent as null. */
@Provider
public class JsonbContext implements ContextResolver<Jsonb> {

    private final Jsonb jsonb = ApiJson.JSONB;

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }
}
