package dev.rafiki.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /usage}: the caller's totals, what they spent today (UTC), the budgets that limit
 * them, and {@code window} when one was asked for.
 */
public record UserUsage(long sessions, long prompts, Usage usage, Usage today, List<Budget> budgets, Window window) {

    /** What was spent from {@code from} (inclusive) to {@code to} (exclusive), both at 00:00 UTC. */
    public record Window(Instant from, Instant to, Usage usage) {
    }

    /** A budget and what is left of it in its current window. */
    public record Budget(String scope, String user, UUID agentId, String window, Long maxTokens, Long maxToolSeconds,
                         Boolean operatorDefault, Tokens tokens, ToolSeconds toolSeconds, Instant resetsAt,
                         String updatedBy, Instant createdAt, Instant updatedAt) {
    }

    public record Tokens(long limit, long used, long remaining) {
    }

    public record ToolSeconds(long limit, double used, double remaining) {
    }
}
