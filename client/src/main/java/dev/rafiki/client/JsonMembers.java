package dev.rafiki.client;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/** Request bodies leave out what the caller did not set, so that the server's defaults apply. */
final class JsonMembers {

    private JsonMembers() {
    }

    /** Adds {@code name} when {@code value} is set: JSON as it is, anything else as its text. */
    static JsonObjectBuilder optional(JsonObjectBuilder json, String name, Object value) {
        if (value instanceof JsonValue jsonValue) {
            json.add(name, jsonValue);
        } else if (value != null) {
            json.add(name, value.toString());
        }
        return json;
    }
}
