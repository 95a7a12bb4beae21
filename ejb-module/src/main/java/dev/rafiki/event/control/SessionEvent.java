package dev.rafiki.event.control;

import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The catalogue of session events: one record per row of the README's event table ("Streams"),
 * its components the event's {@code data}. Each record writes its own data, so the JSON name of
 * every field is written once, in its record's {@code write}; {@code EventCatalogueReadmeTest}
 * fails the build when the README's table and this catalogue differ in a type or a field.
 * Every event belongs to a prompt (a job's id is its prompt's).
 */
public sealed interface SessionEvent extends EventData.Fields {

    /** The type streams carry, e.g. {@code prompt.queued}. */
    String type();

    /** The prompt the event is about; stored with the event, so a prompt's stream can start at its first. */
    UUID promptId();

    /** The {@code data} object as JSON text. */
    default String data() {
        return EventData.of(this);
    }

    /** How a prompt (or a job, which is a prompt) ended. */
    enum Ending {
        COMPLETED, FAILED, CANCELLED;

        /** A terminal status as stored ({@code completed}, {@code failed}, {@code cancelled}); anything else is a failure. */
        public static Ending of(String status) {
            return switch (status) {
                case "completed" -> COMPLETED;
                case "cancelled" -> CANCELLED;
                default -> FAILED;
            };
        }

        /** The status as the API spells it. */
        public String wire() {
            return switch (this) {
                case COMPLETED -> "completed";
                case FAILED -> "failed";
                case CANCELLED -> "cancelled";
            };
        }
    }

    /** Why a prompt failed or was stopped: {@code code}, {@code message}. */
    record Problem(String code, String message) implements EventData.Fields {

        /** @return null without a code; the code stands in for a missing message */
        public static Problem of(String code, String message) {
            return code == null ? null : new Problem(code, message == null ? code : message);
        }

        @Override
        public void write(EventData data) {
            data.add("code", code).add("message", message);
        }
    }

    // ---- a prompt's life

    record PromptQueued(UUID promptId, long promptNumber, String prompt) implements SessionEvent {
        public static final String TYPE = "prompt.queued";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("prompt_number", promptNumber).add("prompt", prompt);
        }
    }

    record PromptStarted(UUID promptId, int attempt, String model) implements SessionEvent {
        public static final String TYPE = "prompt.started";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("attempt", attempt).add("model", model);
        }
    }

    /** The next piece of the answer. */
    record MessageDelta(UUID promptId, String text) implements SessionEvent {
        public static final String TYPE = "message.delta";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("text", text);
        }
    }

    record ToolCallStarted(UUID promptId, String toolCallId, String name) implements SessionEvent {
        public static final String TYPE = "tool_call.started";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("tool_call_id", toolCallId).add("name", name);
        }
    }

    /** The next piece of a tool call's JSON arguments. */
    record ToolCallDelta(UUID promptId, String toolCallId, String arguments) implements SessionEvent {
        public static final String TYPE = "tool_call.delta";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("tool_call_id", toolCallId).add("arguments", arguments);
        }
    }

    /** @param result the start of the result (the caller cuts it) */
    record ToolCallFinished(UUID promptId, String toolCallId, String name, boolean error, String result)
            implements SessionEvent {
        public static final String TYPE = "tool_call.finished";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("tool_call_id", toolCallId).add("name", name).add("error", error)
                    .add("result", result);
        }
    }

    /** @param content null is written as empty text */
    record MessageCompleted(UUID promptId, String role, String content, List<Call> toolCalls) implements SessionEvent {
        public static final String TYPE = "message.completed";

        /** A tool call the message asks for; null arguments are written as {@code {}}. */
        public record Call(String id, String name, String arguments) implements EventData.Fields {
            @Override
            public void write(EventData data) {
                data.add("id", id).add("name", name).add("arguments", arguments == null ? "{}" : arguments);
            }
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("role", role).add("content", content == null ? "" : content)
                    .add("tool_calls", toolCalls);
        }
    }

    /** A tool call waits for a person; {@code arguments} as JSON when they are JSON, else as text. */
    record ToolCallApprovalRequested(UUID promptId, String toolCallId, String tool, JsonValue arguments,
                                     Instant expiresAt) implements SessionEvent {
        public static final String TYPE = "tool_call.approval_requested";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("tool_call_id", toolCallId).add("tool", tool).add("arguments", arguments)
                    .add("expires_at", expiresAt);
        }
    }

    /**
     * @param decision  {@code approve} or {@code deny}
     * @param reason    left out when null
     * @param decidedBy left out when null
     * @param arguments the arguments as edited by the decision; left out when null (not edited)
     */
    record ToolCallApprovalDecided(UUID promptId, String toolCallId, String tool, String decision, boolean expired,
                                   String reason, String decidedBy, JsonValue arguments) implements SessionEvent {
        public static final String TYPE = "tool_call.approval_decided";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("tool_call_id", toolCallId).add("tool", tool).add("decision", decision)
                    .add("expired", expired).addIfPresent("reason", reason).addIfPresent("decided_by", decidedBy)
                    .addIfPresent("arguments", arguments);
        }
    }

    /** A job's prompt failed and runs again after a pause. */
    record PromptRetrying(UUID promptId, int attempt, int maxAttempts, long retryInMs, Problem error)
            implements SessionEvent {
        public static final String TYPE = "prompt.retrying";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("attempt", attempt).add("max_attempts", maxAttempts)
                    .add("retry_in_ms", retryInMs).addIfPresent("error", error);
        }
    }

    /** The prompt's terminal event: {@code prompt.completed}, {@code prompt.failed} or {@code prompt.cancelled}. */
    record PromptEnded(UUID promptId, Ending status, Problem error) implements SessionEvent {
        public static final String TYPE_COMPLETED = "prompt.completed";
        public static final String TYPE_FAILED = "prompt.failed";
        public static final String TYPE_CANCELLED = "prompt.cancelled";
        /** The terminal types: a stream following a prompt ends with one of them. */
        public static final Set<String> TYPES = Set.of(TYPE_COMPLETED, TYPE_FAILED, TYPE_CANCELLED);

        /** @param error null when the prompt completed */
        public static PromptEnded of(UUID promptId, String status, String errorCode, String errorMessage) {
            return new PromptEnded(promptId, Ending.of(status), Problem.of(errorCode, errorMessage));
        }

        @Override
        public String type() {
            return switch (status) {
                case COMPLETED -> TYPE_COMPLETED;
                case FAILED -> TYPE_FAILED;
                case CANCELLED -> TYPE_CANCELLED;
            };
        }

        @Override
        public void write(EventData data) {
            data.add("prompt_id", promptId).add("status", status.wire()).addIfPresent("error", error);
        }
    }

    // ---- a job's life, after its prompt's own events (a job's id is its prompt's)

    /** A delayed job waits for its time. */
    record JobScheduled(UUID jobId, Instant runAt) implements SessionEvent {
        public static final String TYPE = "job.scheduled";

        @Override
        public UUID promptId() {
            return jobId;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("job_id", jobId).add("status", "scheduled").add("run_at", runAt);
        }
    }

    record JobQueued(UUID jobId) implements SessionEvent {
        public static final String TYPE = "job.queued";

        @Override
        public UUID promptId() {
            return jobId;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("job_id", jobId).add("status", "queued");
        }
    }

    record JobStarted(UUID jobId, int attempt) implements SessionEvent {
        public static final String TYPE = "job.started";

        @Override
        public UUID promptId() {
            return jobId;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("job_id", jobId).add("status", "running").add("attempt", attempt);
        }
    }

    /** @param message left out when null */
    record JobProgress(UUID jobId, int percent, String message) implements SessionEvent {
        public static final String TYPE = "job.progress";

        @Override
        public UUID promptId() {
            return jobId;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("job_id", jobId).add("percent", percent).addIfPresent("message", message);
        }
    }

    /** @param toolCallId null is written as empty text */
    record JobArtifact(UUID jobId, String name, long size, String contentType, String sha256, String toolCallId,
                       String url) implements SessionEvent {
        public static final String TYPE = "job.artifact";

        @Override
        public UUID promptId() {
            return jobId;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(EventData data) {
            data.add("job_id", jobId).add("name", name).add("size", size).add("content_type", contentType)
                    .add("sha256", sha256).add("tool_call_id", toolCallId == null ? "" : toolCallId).add("url", url);
        }
    }

    /** The job's terminal event: {@code job.completed}, {@code job.failed} or {@code job.cancelled}. */
    record JobEnded(UUID jobId, Ending status, int attempts, boolean deadLettered, Problem error)
            implements SessionEvent {
        public static final String TYPE_COMPLETED = "job.completed";
        public static final String TYPE_FAILED = "job.failed";
        public static final String TYPE_CANCELLED = "job.cancelled";

        @Override
        public UUID promptId() {
            return jobId;
        }

        @Override
        public String type() {
            return switch (status) {
                case COMPLETED -> TYPE_COMPLETED;
                case FAILED -> TYPE_FAILED;
                case CANCELLED -> TYPE_CANCELLED;
            };
        }

        @Override
        public void write(EventData data) {
            data.add("job_id", jobId).add("status", status.wire()).add("attempts", attempts)
                    .add("dead_lettered", deadLettered).addIfPresent("error", error);
        }
    }
}
