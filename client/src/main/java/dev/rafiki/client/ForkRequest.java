package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A fork to make ({@code POST /session/{id}/fork}): the history up to and including {@code
 * atMessageId} (null: all of it); {@code title} and {@code metadata} default to the source's.
 */
public record ForkRequest(Long atMessageId, String title, JsonObject metadata) {

    /** The whole history, the source's title and metadata. */
    public static ForkRequest all() {
        return new ForkRequest(null, null, null);
    }

    /** The history up to and including this message ({@link Message#id()}). */
    public static ForkRequest atMessage(long messageId) {
        return new ForkRequest(messageId, null, null);
    }

    public ForkRequest titled(String value) {
        return new ForkRequest(atMessageId, value, metadata);
    }

    public ForkRequest withMetadata(JsonObject value) {
        return new ForkRequest(atMessageId, title, value);
    }

    JsonObject toJson() {
        var json = Json.createObjectBuilder();
        if (atMessageId != null) {
            json.add("at_message_id", atMessageId.longValue());   // a number on the wire, not a string
        }
        JsonMembers.optional(json, "title", title);
        JsonMembers.optional(json, "metadata", metadata);
        return json.build();
    }
}
