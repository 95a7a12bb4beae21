package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * One event of a session, as every stream carries it. {@code seq} numbers the session's events,
 * {@code userSeq} the user's; {@code cursor} is the one the stream it came through resumes with
 * (its SSE id). {@code data} holds the type's members (see the README's table): {@code text} of a
 * {@code message.delta}, {@code status} and {@code error} of a {@code prompt.*} end, …
 */
public record Event(String type, UUID sessionId, long seq, long userSeq, UUID promptId, Instant createdAt,
                    JsonObject data, long cursor) {

    public static final String PROMPT_QUEUED = "prompt.queued";
    public static final String PROMPT_STARTED = "prompt.started";
    public static final String MESSAGE_DELTA = "message.delta";
    public static final String MESSAGE_COMPLETED = "message.completed";
    public static final String TOOL_CALL_STARTED = "tool_call.started";
    public static final String TOOL_CALL_FINISHED = "tool_call.finished";
    public static final String PROMPT_COMPLETED = "prompt.completed";
    public static final String PROMPT_FAILED = "prompt.failed";
    public static final String PROMPT_CANCELLED = "prompt.cancelled";
    public static final String JOB_PROGRESS = "job.progress";
    public static final String JOB_ARTIFACT = "job.artifact";
    public static final String JOB_COMPLETED = "job.completed";
    public static final String JOB_FAILED = "job.failed";
    public static final String JOB_CANCELLED = "job.cancelled";

    private static final Set<String> PROMPT_ENDS = Set.of(PROMPT_COMPLETED, PROMPT_FAILED, PROMPT_CANCELLED);
    private static final Set<String> JOB_ENDS = Set.of(JOB_COMPLETED, JOB_FAILED, JOB_CANCELLED);

    /** The last event of a prompt: {@code prompt.completed}, {@code .failed} or {@code .cancelled}. */
    public boolean endsPrompt() {
        return PROMPT_ENDS.contains(type);
    }

    /** The last event of a job: {@code job.completed}, {@code .failed} or {@code .cancelled}. */
    public boolean endsJob() {
        return JOB_ENDS.contains(type);
    }

    /** The next piece of an answer ({@code message.delta}), else null. */
    public String text() {
        return MESSAGE_DELTA.equals(type) ? data.getString("text", null) : null;
    }

    /** The event's JSON as the server sent it, with the cursor of the stream it came through. */
    static Event parse(String json, long cursor) {
        JsonObject o;
        try (var reader = Json.createReader(new StringReader(json))) {
            o = reader.readObject();
        }
        var data = o.get("data") instanceof JsonObject d ? d : JsonValue.EMPTY_JSON_OBJECT;
        return new Event(o.getString("type"), uuid(o, "session_id"), number(o, "seq"), number(o, "user_seq"),
                uuid(o, "prompt_id"), o.containsKey("created_at") ? Instant.parse(o.getString("created_at")) : null,
                data, cursor);
    }

    private static UUID uuid(JsonObject o, String key) {
        return o.containsKey(key) && !o.isNull(key) ? UUID.fromString(o.getString(key)) : null;
    }

    private static long number(JsonObject o, String key) {
        return o.containsKey(key) && !o.isNull(key) ? o.getJsonNumber(key).longValue() : 0;
    }
}
