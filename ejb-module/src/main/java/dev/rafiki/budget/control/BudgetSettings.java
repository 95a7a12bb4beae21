package dev.rafiki.budget.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Budgets and the spending counters they and {@code GET /usage} read. */
@Dependent
public class BudgetSettings {

    /** How often a node reads the budgets again: a change made on another node applies here within this time. */
    @Inject
    @ConfigProperty(name = "rafiki.budgets.refresh-seconds", defaultValue = "5")
    public long refreshSeconds;

    /** Daily tokens (input plus output, UTC days) of every user without a budget of their own; unset: unlimited. */
    @Inject
    @ConfigProperty(name = "rafiki.budgets.default-user-daily-tokens")
    public Optional<Long> defaultUserDailyTokens;

    /** Daily tool seconds of every user without a budget of their own; unset: unlimited. */
    @Inject
    @ConfigProperty(name = "rafiki.budgets.default-user-daily-tool-seconds")
    public Optional<Long> defaultUserDailyToolSeconds;

    /**
     * Days of spending counters kept; older days are removed every hour. Never fewer than a monthly
     * budget or {@link #maxUsageWindowDays} read ({@link UsageRetention} keeps those and warns).
     */
    @Inject
    @ConfigProperty(name = "rafiki.budgets.usage-retention-days", defaultValue = "400")
    public int usageRetentionDays;

    /** How long a node trusts what it read of a budgeted user's or profile's spending on other nodes. */
    @Inject
    @ConfigProperty(name = "rafiki.budgets.usage-cache-ms", defaultValue = "1000")
    public long usageCacheMillis;

    /** The longest {@code from}–{@code to} window {@code GET /usage} adds up: a leap year's days. */
    @Inject
    @ConfigProperty(name = "rafiki.usage.max-window-days", defaultValue = "366")
    public int maxUsageWindowDays;
}
