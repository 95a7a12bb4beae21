package dev.rafiki.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which sessions {@code GET /sessions} lists: {@code q} (in the title, ignoring case), {@code
 * status} ({@code idle}, {@code running}, {@code stopped}), {@code updatedSince}, and metadata
 * members that must hold a string value; each null or empty for no condition.
 */
public record SessionFilter(String q, String status, Instant updatedSince, Map<String, String> metadata) {

    public static SessionFilter all() {
        return new SessionFilter(null, null, null, Map.of());
    }

    public SessionFilter titleContains(String text) {
        return new SessionFilter(text, status, updatedSince, metadata);
    }

    public SessionFilter withStatus(String value) {
        return new SessionFilter(q, value, updatedSince, metadata);
    }

    public SessionFilter updatedSince(Instant time) {
        return new SessionFilter(q, status, time, metadata);
    }

    public SessionFilter withMetadata(String key, String value) {
        var copy = new LinkedHashMap<>(metadata == null ? Map.<String, String>of() : metadata);
        copy.put(key, value);
        return new SessionFilter(q, status, updatedSince, copy);
    }

    Transport.Call applyTo(Transport.Call call) {
        call.query("q", q).query("status", status).query("updated_since", updatedSince);
        if (metadata != null) {
            metadata.forEach((key, value) -> call.query("metadata." + key, value));
        }
        return call;
    }
}
