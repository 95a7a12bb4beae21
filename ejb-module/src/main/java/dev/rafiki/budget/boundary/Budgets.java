package dev.rafiki.budget.boundary;

import dev.rafiki.budget.boundary.BudgetViews.BudgetPage;
import dev.rafiki.budget.boundary.BudgetViews.BudgetView;
import dev.rafiki.budget.control.BudgetRules;
import dev.rafiki.budget.control.BudgetWindow;
import dev.rafiki.budget.control.BudgetsChanged;
import dev.rafiki.budget.control.UsageCounters;
import dev.rafiki.budget.entity.Budget;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.profile.entity.AgentProfile;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Setting, reading and lifting budgets (administrators), and a user's budgets beside their usage. */
@Stateless
public class Budgets {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    BudgetRules rules;

    @Inject
    Event<BudgetsChanged> changed;

    /** What an administrator sets; at least one limit. */
    public record Limits(BudgetWindow window, Long maxTokens, Long maxToolSeconds) {
    }

    public BudgetView setForUser(String user, Limits limits, String admin) {
        return set(UsageCounters.USER, user, limits, admin);
    }

    /** Only for a profile that exists: a budget for an id nothing runs with would be a silent no-op. */
    public BudgetView setForAgent(UUID agentId, Limits limits, String admin) {
        var profile = em.find(AgentProfile.class, agentId);
        if (profile == null || profile.deletedAt != null) {
            throw ApiException.notFound("agent " + agentId);
        }
        return set(UsageCounters.AGENT, agentId.toString(), limits, admin);
    }

    private BudgetView set(String scope, String subject, Limits limits, String admin) {
        var now = Instant.now();
        var budget = em.find(Budget.class, new Budget.Key(scope, subject));
        boolean created = budget == null;
        if (created) {
            budget = new Budget();
            budget.scope = scope;
            budget.subject = subject;
            budget.createdAt = now;
        }
        budget.window = limits.window().wire();
        budget.maxTokens = limits.maxTokens();
        budget.maxToolSeconds = limits.maxToolSeconds();
        budget.updatedBy = admin;
        budget.updatedAt = now;
        if (created) {
            em.persist(budget);
        }
        changed.fire(new BudgetsChanged());
        return BudgetViews.of(budget, rules.standing(rule(budget), now));
    }

    /** The budget with what was spent in its current window. */
    public BudgetView get(String scope, String subject) {
        var budget = find(scope, subject);
        return BudgetViews.of(budget, rules.standing(rule(budget), Instant.now()));
    }

    public void delete(String scope, String subject) {
        em.remove(find(scope, subject));
        changed.fire(new BudgetsChanged());
    }

    /**
     * Every budget ({@code scope} null: profiles' then users') or one scope's, in the order of
     * their subjects (or backwards), from a cursor ({@code next_cursor}).
     */
    public BudgetPage list(String scope, String after, boolean descending, int limit) {
        var conditions = new ArrayList<String>();
        if (scope != null) {
            conditions.add("b.scope = :scope");
        }
        String[] cursor = null;
        if (after != null) {
            int colon = after.indexOf(':');
            if (colon < 0) {
                throw ApiException.invalid("'after' must be a next_cursor of an earlier page");
            }
            cursor = new String[] {after.substring(0, colon), after.substring(colon + 1)};
            // (scope, subject) is the primary key: the keyset needs no other tie-break
            conditions.add(descending
                    ? "(b.scope < :afterScope OR (b.scope = :afterScope AND b.subject < :afterSubject))"
                    : "(b.scope > :afterScope OR (b.scope = :afterScope AND b.subject > :afterSubject))");
        }
        var query = "SELECT b FROM Budget b" + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + (descending ? " ORDER BY b.scope DESC, b.subject DESC" : " ORDER BY b.scope, b.subject");
        var q = em.createQuery(query, Budget.class);
        if (scope != null) {
            q.setParameter("scope", scope);
        }
        if (cursor != null) {
            q.setParameter("afterScope", cursor[0]).setParameter("afterSubject", cursor[1]);
        }
        var rows = q.setMaxResults(limit + 1).getResultList();
        var items = new ArrayList<BudgetView>();
        for (var row : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(BudgetViews.of(row));
        }
        var last = rows.size() > limit ? rows.get(limit - 1) : null;
        return new BudgetPage(items, last == null ? null : last.scope + ":" + last.subject);
    }

    /**
     * The budgets that limit what {@code owner} runs, with what is left of them: their own (or the
     * operator's default) and those of the profiles they can use (their own and shared ones).
     */
    public List<BudgetView> standings(String owner) {
        var now = Instant.now();
        var views = new ArrayList<BudgetView>();
        var user = rules.forUser(owner);
        if (user != null) {
            views.add(BudgetViews.of(rules.standing(user, now)));
        }
        var agents = rules.agentRules();
        if (!agents.isEmpty()) {
            var usable = em.createQuery("""
                            SELECT p.id FROM AgentProfile p WHERE p.id IN :ids AND p.deletedAt IS NULL
                            AND (p.owner = :owner OR p.shared = true) ORDER BY p.id""", UUID.class)
                    .setParameter("ids", agents.keySet())
                    .setParameter("owner", owner)
                    .getResultList();
            for (var id : usable) {
                views.add(BudgetViews.of(rules.standing(agents.get(id), now)));
            }
        }
        return views;
    }

    private Budget find(String scope, String subject) {
        var budget = em.find(Budget.class, new Budget.Key(scope, subject));
        if (budget == null) {
            throw ApiException.notFound((UsageCounters.AGENT.equals(scope) ? "budget of agent " : "budget of user ") + subject);
        }
        return budget;
    }

    private static BudgetRules.Rule rule(Budget budget) {
        return new BudgetRules.Rule(budget.scope, budget.subject, BudgetWindow.parse(budget.window).orElseThrow(),
                budget.maxTokens, budget.maxToolSeconds, false);
    }
}
