package dev.rafiki.budget.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.budget.control.UsageCounters.Charge;
import dev.rafiki.platform.problem.ErrorCode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which budgets apply, and their refusals, against a real PostgreSQL with the application's schema. */
class BudgetRulesTest {

    static EmbeddedPostgres postgres;
    final UsageCounters counters = new UsageCounters();
    final BudgetRules rules = new BudgetRules();

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    BudgetRulesTest() {
        counters.dataSource = postgres.getPostgresDatabase();
        counters.settings = dev.rafiki.platform.config.Settings.defaults(BudgetSettings.class);
        counters.settings.usageCacheMillis = 0;
        rules.dataSource = postgres.getPostgresDatabase();
        rules.counters = counters;
        rules.settings = dev.rafiki.platform.config.Settings.defaults(BudgetSettings.class);
        rules.settings.refreshSeconds = 3600;
    }

    static void budget(String scope, String subject, String window, Long maxTokens) throws Exception {
        try (var c = postgres.getPostgresDatabase().getConnection(); var insert = c.prepareStatement("""
                INSERT INTO budget (scope, subject, time_window, max_tokens, updated_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'test', now(), now())""")) {
            insert.setString(1, scope);
            insert.setString(2, subject);
            insert.setString(3, window);
            insert.setObject(4, maxTokens);
            insert.executeUpdate();
        }
    }

    void spend(String user, UUID agent, long tokens) throws Exception {
        try (var c = counters.dataSource.getConnection();
             var upsert = c.prepareStatement("WITH a AS (SELECT 1) " + UsageCounters.upsertAfter("a"))) {
            counters.bind(upsert, 1, List.of(Charge.now(user, agent, tokens, 0, 0, 0)));
            upsert.executeUpdate();
        }
    }

    @Test
    void withoutAnyBudgetNothingIsCheckedAtAll() {
        var user = "free-" + UUID.randomUUID();
        assertNull(rules.refusal(user, UUID.randomUUID()));
        assertNull(rules.guard(user, null), "the loop gets no check to make");
    }

    @Test
    void theOperatorsDefaultAppliesToUsersWithoutABudgetOfTheirOwn() throws Exception {
        rules.settings.defaultUserDailyTokens = Optional.of(10L);
        var plain = "plain-" + UUID.randomUUID();
        var generous = "generous-" + UUID.randomUUID();
        budget("user", generous, "month", 1000L);
        spend(plain, null, 10);
        spend(generous, null, 10);

        var refusal = rules.refusal(plain, null);
        assertNotNull(refusal);
        assertEquals(ErrorCode.BUDGET_EXCEEDED, refusal.code());
        assertEquals("day", refusal.extensions().get("window"));
        assertEquals(BudgetWindow.DAY.resetsAt(Instant.now()).toString(), refusal.extensions().get("resets_at"));
        assertTrue((Long) refusal.extensions().get("retry_after") > 0);
        assertTrue(rules.forUser(plain).operatorDefault());
        assertNull(rules.refusal(generous, null), "their own budget replaces the default");
    }

    @Test
    void aProfilesBudgetCountsEveryonesPromptsWithItAndOnlyThose() throws Exception {
        var user = "runner-" + UUID.randomUUID();
        var agent = UUID.randomUUID();
        budget("agent", agent.toString(), "month", 100L);
        spend("someone-else", agent, 60);

        assertNull(rules.refusal(user, agent));
        var guard = rules.guard(user, agent);
        assertNull(guard.exhausted(39, 0), "the run's own 39 tokens on top of the 60 spent");
        assertTrue(guard.exhausted(40, 0).startsWith("agent " + agent + "'s monthly budget"));

        spend("another", agent, 40);
        var refusal = rules.refusal(user, agent);
        assertEquals("agent", refusal.extensions().get("scope"));
        assertEquals(agent.toString(), refusal.extensions().get("agent_id"));
        assertNull(rules.refusal(user, null), "a prompt without the profile");
    }
}
