package dev.rafiki.budget.control;

import dev.rafiki.budget.control.UsageCounters.Spent;
import dev.rafiki.budget.control.UsageCounters.Subject;
import dev.rafiki.platform.db.SchemaMigrator;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Which budgets apply to a run, and whether they allow it. Every budget is held in memory (they
 * are few: one per user or profile an administrator limited), read again after a change on this
 * node and every {@code rafiki.budgets.refresh-seconds} for changes made on others; a run with no
 * budget therefore costs no database read at all. Only a run that has one reads what its user or
 * profile spent ({@link UsageCounters}).
 */
@ApplicationScoped
public class BudgetRules {

    private static final Logger LOG = Logger.getLogger(BudgetRules.class.getName());

    /** One budget; {@code operatorDefault} for the configured one of a user without their own. */
    public record Rule(String scope, String subject, BudgetWindow window, Long maxTokens, Long maxToolSeconds,
                       boolean operatorDefault) {
        public Subject who() {
            return new Subject(scope, subject);
        }

        /** The tool-time limit in milliseconds, null when there is none; a limit too large to say so is no limit. */
        public Long maxToolMillis() {
            if (maxToolSeconds == null) {
                return null;
            }
            return maxToolSeconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : maxToolSeconds * 1000;
        }

        String describe() {
            return (UsageCounters.AGENT.equals(scope) ? "agent " + subject + "'s " : "the user's ")
                    + (window == BudgetWindow.DAY ? "daily" : "monthly") + " budget";
        }
    }

    /** A budget at a moment: what was spent in its current window, and when that window ends. */
    public record Standing(Rule rule, Spent spent, Instant resetsAt) {
        /** Why nothing more may run, or null; {@code tokens}, {@code toolMillis}: what the run itself has spent so far. */
        public String exhausted(long tokens, long toolMillis) {
            long usedTokens = spent.tokens() + tokens;
            long usedMillis = spent.toolMillis() + toolMillis;
            if (rule.maxTokens() != null && usedTokens >= rule.maxTokens()) {
                return rule.describe() + " of " + rule.maxTokens() + " tokens is spent (" + usedTokens
                        + " used); it resets at " + resetsAt;
            }
            if (rule.maxToolMillis() != null && usedMillis >= rule.maxToolMillis()) {
                return rule.describe() + " of " + rule.maxToolSeconds() + " tool seconds is spent ("
                        + usedMillis / 1000.0 + " s used); it resets at " + resetsAt;
            }
            return null;
        }
    }

    /** Asked before each model turn of a run with a budget; {@code tokens}, {@code toolMillis}: the run's own so far. */
    @FunctionalInterface
    public interface Guard {
        /** @return why the run must stop, or null */
        String exhausted(long tokens, long toolMillis);
    }

    private record Book(Map<String, Rule> users, Map<UUID, Rule> agents, long loadedAtNanos) {
    }

    @Resource(lookup = SchemaMigrator.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedExecutorService executor;

    @Inject
    UsageCounters counters;

    @Inject
    BudgetSettings settings;

    private volatile Book book;
    private final AtomicBoolean loading = new AtomicBoolean();

    /** The user's own budget, else the operator's default for every user, else null. */
    public Rule forUser(String owner) {
        var rule = book().users().get(owner);
        if (rule != null) {
            return rule;
        }
        if (settings.defaultUserDailyTokens.isEmpty() && settings.defaultUserDailyToolSeconds.isEmpty()) {
            return null;
        }
        return new Rule(UsageCounters.USER, owner, BudgetWindow.DAY, settings.defaultUserDailyTokens.orElse(null),
                settings.defaultUserDailyToolSeconds.orElse(null), true);
    }

    public Rule forAgent(UUID agentId) {
        return agentId == null ? null : book().agents().get(agentId);
    }

    /** Whether any profile has a budget: only then is it worth finding out which profile a prompt runs with. */
    public boolean agentBudgets() {
        return !book().agents().isEmpty();
    }

    /** Every profile budget, for the usage views. */
    public Map<UUID, Rule> agentRules() {
        return book().agents();
    }

    public Standing standing(Rule rule, Instant now) {
        var day = BudgetWindow.day(now);
        var window = rule.window();
        return new Standing(rule, counters.spent(rule.who(), window.first(day), window.next(day)), window.resetsAt(now));
    }

    /**
     * The refusal of a run that would start beyond a budget of its user or its profile ({@code 429
     * budget-exceeded}, with when the budget is whole again: the later of the two when both are
     * spent), or null when it may start.
     */
    public ApiException refusal(String owner, UUID agentId) {
        Standing refusing = null;
        String why = null;
        var now = Instant.now();
        for (var rule : rules(owner, agentId)) {
            var standing = standing(rule, now);
            var exhausted = standing.exhausted(0, 0);
            if (exhausted != null && (refusing == null || standing.resetsAt().isAfter(refusing.resetsAt()))) {
                refusing = standing;
                why = exhausted;
            }
        }
        if (refusing == null) {
            return null;
        }
        var rule = refusing.rule();
        var extensions = new LinkedHashMap<String, Object>();
        extensions.put("scope", rule.scope());
        extensions.put(UsageCounters.AGENT.equals(rule.scope()) ? "agent_id" : "user", rule.subject());
        extensions.put("window", rule.window().wire());
        extensions.put("resets_at", refusing.resetsAt().toString());
        extensions.put("retry_after", rule.window().secondsUntilReset(now));
        return new ApiException(ErrorCode.BUDGET_EXCEEDED, why, extensions);
    }

    /** The check a run makes before each model turn, or null when no budget applies to it. */
    public Guard guard(String owner, UUID agentId) {
        var rules = rules(owner, agentId);
        if (rules.isEmpty()) {
            return null;
        }
        return (tokens, toolMillis) -> {
            var now = Instant.now();
            for (var rule : rules) {
                var exhausted = standing(rule, now).exhausted(tokens, toolMillis);
                if (exhausted != null) {
                    return exhausted;
                }
            }
            return null;
        };
    }

    private List<Rule> rules(String owner, UUID agentId) {
        var rules = new ArrayList<Rule>(2);
        var user = forUser(owner);
        if (user != null) {
            rules.add(user);
        }
        var agent = forAgent(agentId);
        if (agent != null) {
            rules.add(agent);
        }
        return rules;
    }

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) BudgetsChanged changed) {
        try {
            book = load();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "budgets could not be read again after a change; the next refresh tries again", e);
            book = null;
        }
    }

    private Book book() {
        var current = book;
        if (current == null) {
            try {
                current = load();
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the budgets", e);
            }
            book = current;
        } else if (System.nanoTime() - current.loadedAtNanos() > settings.refreshSeconds * 1_000_000_000L
                && loading.compareAndSet(false, true)) {
            // the caller goes on with what is known; another node's change arrives a moment later
            try {
                executor.execute(this::refresh);
            } catch (RuntimeException e) {
                loading.set(false);
            }
        }
        return current;
    }

    private void refresh() {
        try {
            book = load();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "budgets could not be read again; the next refresh tries again", e);
        } finally {
            loading.set(false);
        }
    }

    private Book load() throws SQLException {
        var users = new HashMap<String, Rule>();
        var agents = new HashMap<UUID, Rule>();
        long loadedAt = System.nanoTime();
        try (var c = dataSource.getConnection();
             var select = c.prepareStatement("SELECT scope, subject, time_window, max_tokens, max_tool_seconds FROM budget");
             var rows = select.executeQuery()) {
            while (rows.next()) {
                var rule = new Rule(rows.getString(1), rows.getString(2),
                        BudgetWindow.parse(rows.getString(3)).orElseThrow(), (Long) rows.getObject(4),
                        (Long) rows.getObject(5), false);
                if (UsageCounters.AGENT.equals(rule.scope())) {
                    agents.put(UUID.fromString(rule.subject()), rule);
                } else {
                    users.put(rule.subject(), rule);
                }
            }
        }
        return new Book(Map.copyOf(users), Map.copyOf(agents), loadedAt);
    }
}
