package dev.rafiki.event.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;

/**
 * A committed event as streams carry it. Its client frame is encoded once, however many
 * subscribers it goes to.
 */
public final class StoredEvent {

    private final String owner;
    private final UUID sessionId;
    private final long seq;
    private final long userSeq;
    private final UUID promptId;
    private final String type;
    private final String data;
    private final Instant createdAt;
    /** The last frame encoded, and for which stream kind (a subscriber set is of one kind). */
    private volatile String[] frame;

    /**
     * @param seq     the session's sequence number: the cursor of a session subscription
     * @param userSeq the user's sequence number: the cursor of a user subscription
     * @param data    the payload, a JSON object as text
     */
    public StoredEvent(String owner, UUID sessionId, long seq, long userSeq, UUID promptId, String type, String data,
                       Instant createdAt) {
        this.owner = owner;
        this.sessionId = sessionId;
        this.seq = seq;
        this.userSeq = userSeq;
        this.promptId = promptId;
        this.type = type;
        this.data = data;
        this.createdAt = createdAt;
    }

    public String owner() {
        return owner;
    }

    public UUID sessionId() {
        return sessionId;
    }

    public long seq() {
        return seq;
    }

    public long userSeq() {
        return userSeq;
    }

    public UUID promptId() {
        return promptId;
    }

    public String type() {
        return type;
    }

    public String data() {
        return data;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The client's wire form with the stream kind it came through ({@code session} or {@code user}),
     * or without one (null): the same text as {@link #toJson} gives, built without parsing the data.
     */
    public String frame(String stream) {
        var cached = frame;
        if (cached != null && java.util.Objects.equals(cached[0], stream)) {
            return cached[1];
        }
        var text = new StringBuilder(data.length() + 200).append("{\"type\":\"").append(type)
                .append("\",\"session_id\":\"").append(sessionId).append("\",\"seq\":").append(seq)
                .append(",\"user_seq\":").append(userSeq).append(",\"created_at\":\"").append(createdAt).append('"');
        if (promptId != null) {
            text.append(",\"prompt_id\":\"").append(promptId).append('"');
        }
        text.append(",\"data\":").append(data);
        if (stream != null) {
            text.append(",\"stream\":\"").append(stream).append('"');
        }
        var encoded = text.append('}').toString();
        frame = new String[] {stream, encoded};
        return encoded;
    }

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
        return SessionEvent.PromptEnded.TYPES.contains(type);
    }
}
