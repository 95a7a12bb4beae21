package dev.rafiki.budget.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rafiki.budget.control.UsageCounters.Charge;
import dev.rafiki.budget.control.UsageCounters.Spent;
import dev.rafiki.budget.control.UsageCounters.Subject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The spending counters against a real PostgreSQL with the application's schema. */
class UsageCountersTest {

    static EmbeddedPostgres postgres;
    final UsageCounters counters = new UsageCounters();

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    UsageCountersTest() {
        counters.dataSource = postgres.getPostgresDatabase();
        counters.settings = dev.rafiki.platform.config.Settings.defaults(BudgetSettings.class);
        counters.settings.usageCacheMillis = 60_000;
    }

    void charge(Charge... charges) throws Exception {
        try (var c = counters.dataSource.getConnection()) {
            c.setAutoCommit(false);
            upsert(c, List.of(charges));
            c.commit();
        }
        counters.forget(List.of(charges));
    }

    /** The group commit's fragment, after a stand-in for the users' counters. */
    void upsert(java.sql.Connection c, List<Charge> charges) throws Exception {
        try (var statement = c.prepareStatement("WITH a AS (SELECT 1) " + UsageCounters.upsertAfter("a"))) {
            counters.bind(statement, 1, charges);
            statement.executeUpdate();
        }
    }

    static LocalDate day(String text) {
        return LocalDate.parse(text);
    }

    @Test
    void aWindowAddsUpTheDaysItHolds() throws Exception {
        var user = "window-" + UUID.randomUUID();
        charge(new Charge(user, null, day("2026-12-31"), 1, 1, 1, 1),
                new Charge(user, null, day("2027-01-01"), 10, 20, 2, 500),
                new Charge(user, null, day("2027-01-01"), 1, 2, 1, 50),
                new Charge(user, null, day("2027-01-31"), 100, 200, 1, 5));

        assertEquals(new Spent(111, 222, 4, 555), counters.read(Subject.user(user), day("2027-01-01"), day("2027-02-01")));
        assertEquals(new Spent(11, 22, 3, 550), counters.read(Subject.user(user), day("2027-01-01"), day("2027-01-02")));
        assertEquals(Spent.NONE, counters.read(Subject.user(user), day("2027-02-01"), day("2027-03-01")));
    }

    @Test
    void aChargeWithAProfileCountsForTheUserAndTheProfile() throws Exception {
        var user = "both-" + UUID.randomUUID();
        var agent = UUID.randomUUID();
        var today = day("2026-12-01");
        charge(new Charge(user, agent, today, 3, 4, 0, 0), new Charge(user, null, today, 1, 1, 0, 0),
                new Charge(user, agent, today, 0, 0, 0, 0));

        assertEquals(9, counters.read(Subject.user(user), today, today.plusDays(1)).tokens());
        assertEquals(7, counters.read(Subject.agent(agent), today, today.plusDays(1)).tokens());
    }

    @Test
    void aCachedValueLastsUntilThisNodeChargesTheSubject() throws Exception {
        var user = "cached-" + UUID.randomUUID();
        var today = day("2026-12-01");
        var subject = Subject.user(user);
        assertEquals(0, counters.spent(subject, today, today.plusDays(1)).tokens());
        try (var c = counters.dataSource.getConnection()) {
            // another node's charge: seen once the cache time is over
            upsert(c, List.of(new Charge(user, null, today, 5, 0, 0, 0)));
        }
        assertEquals(0, counters.spent(subject, today, today.plusDays(1)).tokens());

        charge(new Charge(user, null, today, 1, 0, 0, 0));

        assertEquals(6, counters.spent(subject, today, today.plusDays(1)).tokens());
    }

    @Test
    void pruningRemovesTheDaysBeforeTheCutOffInBatchesAndKeepsTheRest() throws Exception {
        // days no other test uses: the cut-off applies to every subject
        var user = "old-" + UUID.randomUUID();
        var agent = UUID.randomUUID();
        charge(new Charge(user, agent, day("1990-01-01"), 1, 0, 0, 0), new Charge(user, null, day("1990-01-02"), 1, 0, 0, 0),
                new Charge(user, null, day("1990-01-03"), 1, 0, 0, 0), new Charge(user, null, day("1999-12-31"), 1, 0, 0, 0),
                new Charge(user, agent, day("2000-01-01"), 10, 0, 0, 0), new Charge(user, null, day("2000-06-01"), 100, 0, 0, 0));

        // five rows (the profile's day too), in two batches of four
        assertEquals(5, counters.prune(day("2000-01-01"), 4));

        assertEquals(Spent.NONE, counters.read(Subject.user(user), day("1900-01-01"), day("2000-01-01")));
        assertEquals(Spent.NONE, counters.read(Subject.agent(agent), day("1900-01-01"), day("2000-01-01")));
        assertEquals(110, counters.read(Subject.user(user), day("2000-01-01"), day("2001-01-01")).tokens());
        assertEquals(10, counters.read(Subject.agent(agent), day("2000-01-01"), day("2001-01-01")).tokens());
        assertEquals(0, counters.prune(day("2000-01-01"), 4), "nothing is left to remove");
    }

    @Test
    void theRetentionKeepsAtLeastWhatBudgetsAndUsageWindowsRead() {
        assertEquals(400, UsageRetention.kept(400, 366));
        assertEquals(366, UsageRetention.kept(30, 366), "a /usage window reaches back this far");
        assertEquals(31, UsageRetention.kept(1, 7), "a monthly budget reads its whole month");
    }
}
