package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.prompt.entity.PromptStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The named groups of prompt statuses, and what the queries written with them answer on the
 * application's schema: a prompt waiting for a person makes its session active, yet is no work for
 * a worker or the sweeper.
 */
class PromptStatusListsTest {

    static EmbeddedPostgres postgres;
    static DataSource db;
    static UUID waiting;
    static UUID queued;
    static UUID ended;
    static UUID delayed;

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        waiting = session("waiting_approval");
        queued = session("queued");
        ended = session("completed");
        delayed = session("scheduled");
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Test
    void eachGroupIsWhatItsJavadocSays() {
        assertEquals(EnumSet.of(PromptStatus.QUEUED, PromptStatus.RUNNING), PromptStatus.RUNNABLE);
        var active = EnumSet.copyOf(PromptStatus.RUNNABLE);
        active.add(PromptStatus.WAITING_APPROVAL);
        assertEquals(active, PromptStatus.ACTIVE, "active: runnable, and waiting for a person");
        assertTrue(PromptStatus.ACTIVE.containsAll(PromptStatus.IN_FLIGHT));
        assertFalse(PromptStatus.IN_FLIGHT.contains(PromptStatus.QUEUED));
        for (var status : PromptStatus.values()) {
            if (status.terminal() || status == PromptStatus.SCHEDULED) {
                assertFalse(PromptStatus.ACTIVE.contains(status), status + " occupies no session");
            }
        }
        assertEquals("('queued', 'running')", PromptStatus.RUNNABLE_SQL);
        assertEquals("('queued', 'running', 'waiting_approval')", PromptStatus.ACTIVE_SQL);
        assertEquals("(dev.rafiki.prompt.entity.PromptStatus.QUEUED, dev.rafiki.prompt.entity.PromptStatus.RUNNING)",
                PromptStatus.RUNNABLE_JPQL);
        assertEquals(java.util.List.of("queued", "running"), QueueDepths.STATES);
    }

    @Test
    void aSessionWhosePromptWaitsForAPersonIsActiveButHasNothingRunnable() throws SQLException {
        var activity = new PromptActivity();
        var active = flags("SELECT s.id, " + activity.existSql("s.id") + " FROM agent_session s");
        assertEquals(Map.of(waiting, true, queued, true, ended, false, delayed, false), active);

        // as the worker, its release, the sweeper and the fast lane ask
        var runnable = flags("SELECT s.id, EXISTS (SELECT 1 FROM prompt p WHERE p.session_id = s.id AND p.status IN "
                + PromptStatus.RUNNABLE_SQL + ") FROM agent_session s");
        assertEquals(Map.of(waiting, false, queued, true, ended, false, delayed, false), runnable);
    }

    @Test
    void theQueueDepthsCountRunnablePromptsOnly() throws SQLException {
        var depths = new HashMap<String, Long>();
        try (var c = db.getConnection(); var rows = c.createStatement().executeQuery(QueueDepths.QUEUES.get("prompts"))) {
            while (rows.next()) {
                depths.put(rows.getString(1), rows.getLong(2));
            }
        }
        assertEquals(Map.of("queued", 1L), depths);
    }

    /** The runnable list is written as the partial index's predicate is, so the planner can use the index. */
    @Test
    void theRunnableListIsServedByThePartialIndex() throws SQLException {
        var plan = new StringBuilder();
        try (var c = db.getConnection(); var statement = c.createStatement()) {
            statement.execute("SET enable_seqscan = off");
            try (var rows = statement.executeQuery("EXPLAIN SELECT 1 FROM prompt WHERE session_id = '" + queued
                    + "' AND status IN " + PromptStatus.RUNNABLE_SQL + " LIMIT 1")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
        }
        assertTrue(plan.toString().contains("prompt_pending_idx"), plan.toString());
    }

    private static Map<UUID, Boolean> flags(String sql) throws SQLException {
        var flags = new HashMap<UUID, Boolean>();
        try (var c = db.getConnection(); var rows = c.createStatement().executeQuery(sql)) {
            while (rows.next()) {
                flags.put(rows.getObject(1, UUID.class), rows.getBoolean(2));
            }
        }
        return flags;
    }

    /** A session with one prompt of the given status (a waiting one with its parked claim, as the worker leaves it). */
    private static UUID session(String status) throws SQLException {
        var session = UUID.randomUUID();
        var prompt = UUID.randomUUID();
        try (var c = db.getConnection()) {
            try (var insert = c.prepareStatement("""
                    INSERT INTO agent_session (id, owner, model, worker, claim_expires_at, created_at, updated_at)
                    VALUES (?, 'alice', 'echo', ?, CASE WHEN ? THEN 'infinity'::timestamptz END, now(), now())""")) {
                boolean parked = "waiting_approval".equals(status);
                insert.setObject(1, session);
                insert.setString(2, parked ? "#approval|" + prompt : null);
                insert.setBoolean(3, parked);
                insert.executeUpdate();
            }
            try (var insert = c.prepareStatement("""
                    INSERT INTO prompt (id, session_id, seq, owner, content, status, created_at)
                    VALUES (?, ?, 1, 'alice', 'hi', ?, now())""")) {
                insert.setObject(1, prompt);
                insert.setObject(2, session);
                insert.setString(3, status);
                insert.executeUpdate();
            }
        }
        return session;
    }
}
