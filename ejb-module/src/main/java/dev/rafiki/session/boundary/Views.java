package dev.rafiki.session.boundary;

import jakarta.json.JsonValue;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The read models of sessions, prompts and messages, as the public API shows them. */
public final class Views {

    private Views() {
    }

    /** Descriptions of a prompt's members, shared by the views that show a prompt (PromptView, QueryResult). */
    public static final String PROMPT_NUMBER = "the prompt's place in its session's order (1, 2, …); not an event cursor (an event's is seq)";
    public static final String PROMPT_OUTPUT = "the answer parsed, when the prompt had an output schema and the answer followed it";
    public static final String PROMPT_METADATA = "what the request that created the prompt gave (a query, or a job's submission)";
    public static final String PROMPT_APPROVALS = "the tool calls that waited for a person (the agent profile's approval rules), with their decisions; absent when none did";

    /** Token and tool use; {@code toolSeconds} is the wall time spent in tools. */
    public record Usage(long inputTokens, long outputTokens, long toolCalls, double toolSeconds) {
        public static Usage of(long inputTokens, long outputTokens, long toolCalls, long toolMillis) {
            return new Usage(inputTokens, outputTokens, toolCalls, toolMillis / 1000.0);
        }
    }

    /**
     * The caller's totals over all their sessions, what they spent today (UTC; from the budget
     * counters, so prompts are counted on the day they ended), and the budgets that limit them;
     * {@code window} only when the caller asked for one.
     */
    public record UserUsage(long sessions, long prompts, @Schema(required = true) Usage usage, @Schema(required = true) Usage today,
                            @Schema(description = "the caller's own (or the operator's default) and those of the agent profiles they can use")
                            List<dev.rafiki.budget.boundary.BudgetViews.BudgetView> budgets,
                            @Schema(description = "only with from (and to): what was spent in those UTC days, from the same per-day counters as today")
                            WindowUsage window) {
    }

    /** What was spent from {@code from} (inclusive) to {@code to} (exclusive), both at 00:00 UTC. */
    public record WindowUsage(@Schema(required = true, description = "00:00 UTC of the first day counted") Instant from,
                              @Schema(required = true, description = "00:00 UTC of the day after the last one counted (exclusive)") Instant to,
                              @Schema(required = true) Usage usage) {
    }

    /** The agent profile version a session or prompt runs with. */
    @Schema(description = "the agent profile version a session or prompt runs with")
    public record AgentUse(UUID id, int version) {
        public static AgentUse of(UUID id, Integer version) {
            return id == null || version == null ? null : new AgentUse(id, version);
        }
    }

    /** {@code forkedFrom}: where a forked session's history came from; null for a session that is not a fork. */
    public record SessionView(@Schema(required = true) UUID id, String title, String model, AgentUse agent, JsonObject metadata,
                              @Schema(required = true, enumeration = {"idle", "running", "stopped"}) String status,
                              UUID runningPromptId, long queueLength, long promptCount, long messageCount,
                              @Schema(required = true) Usage usage,
                              @Schema(description = "where a fork's history came from (POST /session/{id}/fork); absent when the session is not a fork")
                              ForkOrigin forkedFrom,
                              @Schema(required = true) Instant createdAt, Instant updatedAt) {
    }

    /**
     * The session a fork copied and the last message it took ({@code messageId}: the id in the
     * source's history; null when the source had none).
     */
    public record ForkOrigin(@Schema(required = true) UUID sessionId,
                             @Schema(description = "the last message copied, an id of the source's history; absent when it had none")
                             Long messageId) {
        public static ForkOrigin of(UUID sessionId, Long messageId) {
            return sessionId == null ? null : new ForkOrigin(sessionId, messageId);
        }
    }

    @Schema(name = "Error")
    public record ErrorView(@Schema(required = true, example = "model-timeout") String code, String message) {
    }

    /**
     * A structured answer parsed, beside its text: the answer of a prompt with an output schema was
     * validated as JSON before it was stored; null for a free-text answer.
     */
    public static JsonValue output(boolean structured, String answer) {
        if (!structured || answer == null) {
            return null;
        }
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(answer))) {
            return reader.readValue();
        }
    }

    /** A client's metadata as stored (JSON text, checked when it was given); null when none. */
    public static JsonObject metadata(String text) {
        if (text == null) {
            return null;
        }
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
            return reader.readObject();
        }
    }

    /**
     * {@code number}: the prompt's place in its session's order (1, 2, …), named apart from an
     * event's cursor {@code seq} so a client never mistakes one for the other;
     * {@code metadata}: what the request that created the prompt (a query, a job) gave, as given;
     * {@code approvals}: the tool calls that waited for a person, with their decisions; null when none did.
     */
    public record PromptView(@Schema(required = true) UUID id, @Schema(required = true) UUID sessionId,
                             @Schema(description = PROMPT_NUMBER) long number,
                             @Schema(required = true, enumeration = {"queued", "running", "waiting_approval", "completed", "failed", "cancelled"})
                             String status,
                             @Schema(required = true) String prompt, String model,
                             AgentUse agent, String answer, ErrorView error, int attempts, int steps, @Schema(required = true) Usage usage,
                             @Schema(required = true) Instant createdAt, Instant startedAt, Instant finishedAt,
                             @Schema(description = PROMPT_OUTPUT) JsonValue output,
                             @Schema(description = PROMPT_METADATA) JsonObject metadata,
                             @Schema(description = PROMPT_APPROVALS)
                             List<ApprovalView> approvals) {

        public PromptView withApprovals(List<ApprovalView> requests) {
            return new PromptView(id, sessionId, number, status, prompt, model, agent, answer, error, attempts, steps, usage,
                    createdAt, startedAt, finishedAt, output, metadata, requests.isEmpty() ? null : requests);
        }

        public boolean terminal() {
            return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
        }
    }

    /**
     * A tool call that waited for a person's decision. {@code status}: {@code pending},
     * {@code approved}, {@code denied}, {@code expired} (no decision in time: denied) or
     * {@code cancelled} (its prompt was stopped); {@code decision} ({@code approve} or {@code deny})
     * once decided; {@code decidedArguments} when a person approved it with edited arguments.
     */
    @Schema(description = "a tool call that waited for a person's decision, and the decision")
    public record ApprovalView(@Schema(required = true) UUID promptId, @Schema(required = true) UUID sessionId,
                               @Schema(required = true) String toolCallId, @Schema(required = true) String tool,
                               @Schema(description = "as the model asked (JSON; a string if the model sent something that is not JSON)")
                               JsonValue arguments,
                               @Schema(required = true, enumeration = {"pending", "approved", "denied", "expired", "cancelled"},
                                       description = "expired: no decision within rafiki.approvals.timeout, denied; cancelled: the prompt was stopped")
                               String status,
                               @Schema(enumeration = {"approve", "deny"}, description = "absent while pending") String decision,
                               String reason,
                               @Schema(description = "the edited arguments an approved call ran with") JsonValue decidedArguments,
                               @Schema(description = "the user who decided; absent when it expired or was cancelled") String decidedBy,
                               @Schema(required = true) Instant requestedAt, Instant expiresAt, Instant decidedAt) {
    }

    /** {@code toolCalls} on assistant turns that called tools; {@code toolCallId} and {@code error} on tool results. */
    public record MessageView(long id, UUID promptId,
                              @Schema(required = true, enumeration = {"user", "assistant", "tool"}) String role,
                              String content, boolean partial,
                              jakarta.json.JsonArray toolCalls, String toolCallId, Boolean error,
                              @Schema(required = true) Instant createdAt) {
    }

    public record QueueEntry(int position, @Schema(required = true) UUID promptId, @Schema(required = true) String prompt,
                             @Schema(required = true) Instant createdAt) {
    }

    public record QueueView(@Schema(required = true) UUID sessionId, UUID runningPromptId,
                            @Schema(required = true) List<QueueEntry> queued) {
    }

    public record StopResult(@Schema(required = true) UUID sessionId, @Schema(required = true) List<UUID> cancelled) {
    }

    /** One page of a listing; {@code nextCursor} is null on the last page. */
    public record Page<T>(@Schema(required = true) List<T> items,
                          @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }
}
