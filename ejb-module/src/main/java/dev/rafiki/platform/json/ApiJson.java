package dev.rafiki.platform.json;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;

/**
 * The API's JSON form (snake_case, absent values left out), shared by the HTTP responses and what
 * Rafiki sends on its own (webhooks), so a job looks the same in both.
 */
public final class ApiJson {

    public static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(false));

    private ApiJson() {
    }
}
