package dev.rafiki.budget.boundary;

import dev.rafiki.budget.control.BudgetRules;
import dev.rafiki.budget.control.UsageCounters;
import dev.rafiki.budget.entity.Budget;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the API shows of budgets. */
public final class BudgetViews {

    private BudgetViews() {
    }

    /** A limit of tokens in the current window. */
    @Schema(name = "BudgetTokens")
    public record Tokens(long limit, long used, long remaining) {
    }

    /** A limit of tool time in the current window, in seconds (used to the millisecond). */
    @Schema(name = "BudgetToolSeconds")
    public record ToolSeconds(long limit, double used, double remaining) {
    }

    /**
     * A budget; {@code tokens}, {@code tool_seconds} and {@code resets_at} describe its current
     * window where it is shown with what was spent. {@code operator_default}: the configured
     * budget of a user without their own.
     */
    @Schema(description = "a budget; resets_at: the end of the current window")
    public record BudgetView(@Schema(required = true, enumeration = {"user", "agent"}) String scope, String user, UUID agentId,
                             @Schema(required = true, enumeration = {"day", "month"}) String window, Long maxTokens, Long maxToolSeconds,
                             @Schema(description = "the configured default of a user without a budget of their own") Boolean operatorDefault,
                             Tokens tokens, ToolSeconds toolSeconds,
                             // no @Schema here: Payara's scanner takes an annotated method whose name holds "set" for a setter and fails
                             Instant resetsAt,
                             String updatedBy, Instant createdAt, Instant updatedAt) {
    }

    public record BudgetPage(@Schema(required = true) List<BudgetView> items,
                             @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }

    static BudgetView of(Budget budget) {
        boolean agent = UsageCounters.AGENT.equals(budget.scope);
        return new BudgetView(budget.scope, agent ? null : budget.subject, agent ? UUID.fromString(budget.subject) : null,
                budget.window, budget.maxTokens, budget.maxToolSeconds, null, null, null, null, budget.updatedBy,
                budget.createdAt, budget.updatedAt);
    }

    static BudgetView of(Budget budget, BudgetRules.Standing standing) {
        return withStanding(of(budget), standing);
    }

    static BudgetView of(BudgetRules.Standing standing) {
        var rule = standing.rule();
        boolean agent = UsageCounters.AGENT.equals(rule.scope());
        return withStanding(new BudgetView(rule.scope(), agent ? null : rule.subject(),
                agent ? UUID.fromString(rule.subject()) : null, rule.window().wire(), rule.maxTokens(),
                rule.maxToolSeconds(), rule.operatorDefault() ? Boolean.TRUE : null, null, null, null, null, null, null),
                standing);
    }

    private static BudgetView withStanding(BudgetView view, BudgetRules.Standing standing) {
        var spent = standing.spent();
        var tokens = view.maxTokens() == null ? null
                : new Tokens(view.maxTokens(), spent.tokens(), Math.max(0, view.maxTokens() - spent.tokens()));
        var maxToolMillis = standing.rule().maxToolMillis();
        var tool = maxToolMillis == null ? null
                : new ToolSeconds(view.maxToolSeconds(), spent.toolMillis() / 1000.0,
                        Math.max(0, maxToolMillis - spent.toolMillis()) / 1000.0);
        return new BudgetView(view.scope(), view.user(), view.agentId(), view.window(), view.maxTokens(),
                view.maxToolSeconds(), view.operatorDefault(), tokens, tool, standing.resetsAt(), view.updatedBy(),
                view.createdAt(), view.updatedAt());
    }
}
