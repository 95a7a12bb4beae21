package dev.rafiki.event.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;

/**
 * A committed event as streams carry it.
 *
 * @param seq     the session's sequence number: the cursor of a session subscription
 * @param userSeq the user's sequence number: the cursor of a user subscription
 * @param data    the payload, a JSON object as text
 */
public record StoredEvent(String owner, UUID sessionId, long seq, long userSeq, UUID promptId, String type,
                          String data, Instant createdAt) {

    /** The wire form, used on the topic between nodes and, without the owner, towards clients. */
    public JsonObject toJson(boolean withOwner) {
        var json = Json.createObjectBuilder()
                .add("type", type)
                .add("session_id", sessionId.toString())
                .add("seq", seq)
                .add("user_seq", userSeq)
                .add("created_at", createdAt.toString());
        if (promptId != null) {
            json.add("prompt_id", promptId.toString());
        }
        try (var reader = Json.createReader(new StringReader(data))) {
            json.add("data", reader.readObject());
        }
        if (withOwner) {
            json.add("owner", owner);
        }
        return json.build();
    }

    public static StoredEvent fromJson(JsonObject json) {
        return new StoredEvent(json.getString("owner"), UUID.fromString(json.getString("session_id")),
                json.getJsonNumber("seq").longValue(), json.getJsonNumber("user_seq").longValue(),
                json.containsKey("prompt_id") ? UUID.fromString(json.getString("prompt_id")) : null,
                json.getString("type"), json.getJsonObject("data").toString(), Instant.parse(json.getString("created_at")));
    }

    public boolean terminal() {
        return type.equals(EventTypes.PROMPT_COMPLETED) || type.equals(EventTypes.PROMPT_FAILED)
                || type.equals(EventTypes.PROMPT_CANCELLED);
    }
}
