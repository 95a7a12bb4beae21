package dev.rafiki.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Branches number their migrations before they merge: this branch's V9 must apply on V1–V6
 * alone, after other branches' V7 and V8, and before them (a database migrated by this branch
 * that later meets the merged V7 and V8). The V7 and V8 here are stand-ins of other branches'.
 */
class MigrationOrderTest {

    static EmbeddedPostgres postgres;

    @TempDir
    Path otherBranch;

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    DataSource freshDatabase(String name) throws SQLException {
        try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    void writeOtherBranchMigrations() throws Exception {
        Files.writeString(otherBranch.resolve("V7__other_branch.sql"), "CREATE TABLE other_branch_seven (id INT);");
        Files.writeString(otherBranch.resolve("V8__other_branch.sql"), "CREATE TABLE other_branch_eight (id INT);");
    }

    static boolean exists(DataSource db, String table) throws SQLException {
        try (var c = db.getConnection(); var st = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            st.setString(1, table);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Test
    void nineAppliesOnSixAlone() throws Exception {
        var db = freshDatabase("only_six");
        SchemaMigrator.flyway(db, "classpath:db/migration").target("6").load().migrate();
        var result = SchemaMigrator.flyway(db, "classpath:db/migration").load().migrate();
        assertEquals("9", result.targetSchemaVersion);
        assertTrue(exists(db, "schedule") && exists(db, "schedule_run"));
        try (var c = db.getConnection(); var st = c.createStatement()) {
            // the widened status check accepts the delayed job's status
            st.execute("INSERT INTO agent_session (id, owner, model, created_at, updated_at) "
                    + "VALUES ('00000000-0000-0000-0000-000000000001', 'u', 'echo', now(), now())");
            st.execute("INSERT INTO prompt (id, session_id, seq, owner, content, status, created_at) VALUES "
                    + "('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 1, 'u', 'p', "
                    + "'scheduled', now())");
        }
    }

    @Test
    void nineAppliesAfterOtherBranchesSevenAndEight() throws Exception {
        writeOtherBranchMigrations();
        var db = freshDatabase("seven_eight_first");
        var result = SchemaMigrator.flyway(db, "classpath:db/migration", "filesystem:" + otherBranch).load().migrate();
        assertEquals("9", result.targetSchemaVersion);
        assertTrue(exists(db, "other_branch_seven") && exists(db, "other_branch_eight") && exists(db, "schedule"));
    }

    @Test
    void sevenAndEightMergedLaterStillApplyOnADatabaseAtNine() throws Exception {
        var db = freshDatabase("nine_first");
        SchemaMigrator.flyway(db, "classpath:db/migration").load().migrate();
        writeOtherBranchMigrations();
        // Flyway's default refuses versions below the applied one; that is why the set-up allows it
        var refused = assertThrows(FlywayException.class, () -> Flyway.configure().dataSource(db)
                .locations("classpath:db/migration", "filesystem:" + otherBranch).load().migrate());
        assertTrue(refused.getMessage().contains("not applied"), refused.getMessage());
        var result = SchemaMigrator.flyway(db, "classpath:db/migration", "filesystem:" + otherBranch).load().migrate();
        assertEquals(2, result.migrationsExecuted);
        assertTrue(exists(db, "other_branch_seven") && exists(db, "other_branch_eight"));
    }
}
