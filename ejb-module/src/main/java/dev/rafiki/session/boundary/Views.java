package dev.rafiki.session.boundary;

import jakarta.json.JsonValue;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The read models of sessions, prompts and messages, as the public API shows them. */
public final class Views {

    private Views() {
    }

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
    public record UserUsage(long sessions, long prompts, Usage usage, Usage today,
                            List<dev.rafiki.budget.boundary.BudgetViews.BudgetView> budgets, WindowUsage window) {
    }

    /** What was spent from {@code from} (inclusive) to {@code to} (exclusive), both at 00:00 UTC. */
    public record WindowUsage(Instant from, Instant to, Usage usage) {
    }

    /** The agent profile version a session or prompt runs with. */
    public record AgentUse(UUID id, int version) {
        public static AgentUse of(UUID id, Integer version) {
            return id == null || version == null ? null : new AgentUse(id, version);
        }
    }

    /** {@code forkedFrom}: where a forked session's history came from; null for a session that is not a fork. */
    public record SessionView(UUID id, String title, String model, AgentUse agent, JsonObject metadata, String status,
                              UUID runningPromptId, long queueLength, long promptCount, long messageCount,
                              Usage usage, ForkOrigin forkedFrom, Instant createdAt, Instant updatedAt) {
    }

    /**
     * The session a fork copied and the last message it took ({@code messageId}: the id in the
     * source's history; null when the source had none).
     */
    public record ForkOrigin(UUID sessionId, Long messageId) {
        public static ForkOrigin of(UUID sessionId, Long messageId) {
            return sessionId == null ? null : new ForkOrigin(sessionId, messageId);
        }
    }

    public record ErrorView(String code, String message) {
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
    public record PromptView(UUID id, UUID sessionId, long number, String status, String prompt, String model,
                             AgentUse agent, String answer, ErrorView error, int attempts, int steps, Usage usage, Instant createdAt,
                             Instant startedAt, Instant finishedAt, JsonValue output, JsonObject metadata,
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
    public record ApprovalView(UUID promptId, UUID sessionId, String toolCallId, String tool, JsonValue arguments,
                               String status, String decision, String reason, JsonValue decidedArguments,
                               String decidedBy, Instant requestedAt, Instant expiresAt, Instant decidedAt) {
    }

    /** {@code toolCalls} on assistant turns that called tools; {@code toolCallId} and {@code error} on tool results. */
    public record MessageView(long id, UUID promptId, String role, String content, boolean partial,
                              jakarta.json.JsonArray toolCalls, String toolCallId, Boolean error, Instant createdAt) {
    }

    public record QueueEntry(int position, UUID promptId, String prompt, Instant createdAt) {
    }

    public record QueueView(UUID sessionId, UUID runningPromptId, List<QueueEntry> queued) {
    }

    public record StopResult(UUID sessionId, List<UUID> cancelled) {
    }

    /** One page of a listing; {@code nextCursor} is null on the last page. */
    public record Page<T>(List<T> items, String nextCursor) {
    }
}
