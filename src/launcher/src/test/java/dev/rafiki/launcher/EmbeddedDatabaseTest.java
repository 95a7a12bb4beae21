package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path temp;

    @Test
    void theRunningServerIsDurableAndDoesNotZeroFillItsWal() throws Exception {
        try (var database = EmbeddedDatabase.start(temp.resolve("postgres"), 0);
             var connection = DriverManager.getConnection(database.jdbcUrl(), "postgres", "postgres")) {
            // the library's own defaults (-F, synchronous_commit=off) must not survive
            var expected = Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on",
                    "wal_init_zero", "off");
            for (var setting : expected.entrySet()) {
                try (var statement = connection.createStatement();
                     var rows = statement.executeQuery("SHOW " + setting.getKey())) {
                    rows.next();
                    assertEquals(setting.getValue(), rows.getString(1), setting.getKey());
                }
            }
        }
    }
}
