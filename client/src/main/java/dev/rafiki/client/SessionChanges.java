package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A change to a session ({@code PATCH /session/{id}}): its title, its metadata (replaced as a
 * whole), or both; {@code clear…} removes one.
 */
public final class SessionChanges {

    private final jakarta.json.JsonObjectBuilder json = Json.createObjectBuilder();
    private boolean empty = true;

    public static SessionChanges create() {
        return new SessionChanges();
    }

    public SessionChanges title(String title) {
        json.add("title", title);
        empty = false;
        return this;
    }

    public SessionChanges clearTitle() {
        json.add("title", JsonValue.NULL);
        empty = false;
        return this;
    }

    public SessionChanges metadata(JsonObject metadata) {
        json.add("metadata", metadata);
        empty = false;
        return this;
    }

    public SessionChanges clearMetadata() {
        json.add("metadata", JsonValue.NULL);
        empty = false;
        return this;
    }

    JsonObject toJson() {
        if (empty) {
            throw new IllegalStateException("nothing to change: give a title or metadata");
        }
        return json.build();
    }
}
