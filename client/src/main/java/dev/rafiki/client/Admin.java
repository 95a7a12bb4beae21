package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The administrators' routes (the token's groups must hold {@code admin}; anyone else gets {@code
 * 403 forbidden}): budgets ({@code /admin/budgets}), the jobs' dead letters ({@code
 * /admin/dead-letters}) and another user's usage ({@code GET /usage?owner=}).
 */
public final class Admin {

    private final Transport transport;

    Admin(Transport transport) {
        this.transport = transport;
    }

    /**
     * {@code PUT /admin/budgets/users/{user}}: what the user may spend per {@code window} ({@code
     * day} or {@code month}, UTC); a limit left null is not limited (at least one is needed).
     */
    public UserUsage.Budget setUserBudget(String user, String window, Long maxTokens, Long maxToolSeconds) {
        return transport.send(Call.method("PUT", "/admin/budgets/users/" + Transport.segment(user),
                budget(window, maxTokens, maxToolSeconds), true), UserUsage.Budget.class);
    }

    public UserUsage.Budget userBudget(String user) {
        return transport.send(Call.get("/admin/budgets/users/" + Transport.segment(user)), UserUsage.Budget.class);
    }

    /** Lifts the user's budget (an operator's default applies again); a retry that finds none is done too. */
    public void clearUserBudget(String user) {
        transport.send(Call.method("DELETE", "/admin/budgets/users/" + Transport.segment(user), null, true).success(204)
                .successOnRetry(404));
    }

    /** The same for an agent profile: every prompt that runs with it counts, whoever sends it. */
    public UserUsage.Budget setAgentBudget(UUID agentId, String window, Long maxTokens, Long maxToolSeconds) {
        return transport.send(Call.method("PUT", "/admin/budgets/agents/" + agentId,
                budget(window, maxTokens, maxToolSeconds), true), UserUsage.Budget.class);
    }

    public UserUsage.Budget agentBudget(UUID agentId) {
        return transport.send(Call.get("/admin/budgets/agents/" + agentId), UserUsage.Budget.class);
    }

    public void clearAgentBudget(UUID agentId) {
        transport.send(Call.method("DELETE", "/admin/budgets/agents/" + agentId, null, true).success(204)
                .successOnRetry(404));
    }

    /** One page of every budget, profiles' then users'; {@code scope} ({@code user}, {@code agent}) narrows it. */
    public Page<UserUsage.Budget> budgets(String scope, ListOptions options) {
        return transport.send(options.applyTo(Call.get("/admin/budgets")).query("scope", scope),
                Transport.pageOf(UserUsage.Budget.class));
    }

    /** {@code GET /usage?owner=}: the user's totals, today's spending and budgets, as they see them. */
    public UserUsage usage(String user) {
        return usage(user, null, null);
    }

    /**
     * {@code GET /usage?owner=&from=&to=}: the same with what the user spent from {@code from} to
     * {@code to} (exclusive; null: through today); a null {@code from} asks for no window.
     */
    public UserUsage usage(String user, LocalDate from, LocalDate to) {
        if (from == null && to != null) {
            throw new IllegalArgumentException("a window's end needs its start");
        }
        var call = Call.get("/usage").query("owner", java.util.Objects.requireNonNull(user, "user")).query("from", from)
                .query("to", to);
        return transport.send(call, UserUsage.class);
    }

    /** One page of the jobs on the dead-letter queue, as the broker holds them (oldest first). */
    public Page<JsonObject> deadLetters(ListOptions options) {
        return transport.send(options.applyTo(Call.get("/admin/dead-letters")), Transport.pageOf(JsonObject.class));
    }

    /** Takes a job's letter off the queue once it was dealt with; a retry that finds it gone is done too. */
    public void removeDeadLetter(UUID jobId) {
        transport.send(Call.method("DELETE", "/admin/dead-letters/" + jobId, null, true).success(204).successOnRetry(404));
    }

    private static String budget(String window, Long maxTokens, Long maxToolSeconds) {
        var json = Json.createObjectBuilder().add("window", window);
        if (maxTokens != null) {
            json.add("max_tokens", maxTokens);
        }
        if (maxToolSeconds != null) {
            json.add("max_tool_seconds", maxToolSeconds);
        }
        return json.build().toString();
    }
}
