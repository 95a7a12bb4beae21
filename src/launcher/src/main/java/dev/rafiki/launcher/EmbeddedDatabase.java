package dev.rafiki.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server run from Maven Central binaries, with its data kept in the data
 * directory across restarts. A server orphaned by a killed launcher is shut down first, so a
 * crash never locks the data directory.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedDatabase start(Path directory, int port) throws IOException {
        return start(directory, port, "127.0.0.1");
    }

    static EmbeddedDatabase start(Path directory, int port, String listenAddress) throws IOException {
        Files.createDirectories(directory);
        stopOrphan(directory);
        var builder = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                // the library's test-speed defaults (-F, synchronous_commit=off) would let a crash of
                // the machine lose or corrupt committed data: accepted prompts must survive
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                // a new 16 MB WAL segment is zero-filled and fsynced under the WAL write lock, so every
                // commit waited ~55 ms once a segment until the first checkpoint recycled them (on a
                // young database under load, every 1-2 s): an unfilled segment is as durable
                .setServerConfig("wal_init_zero", "off")
                .setServerConfig("listen_addresses", listenAddress);
        if (port > 0) {
            builder.setPort(port);
        }
        return new EmbeddedDatabase(builder.start());
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    int port() {
        return postgres.getPort();
    }

    private static void stopOrphan(Path directory) throws IOException {
        var pidFile = directory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (RuntimeException e) {
            return;
        }
        var orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (orphan.isPresent()) {
            LOG.warning(() -> "stopping PostgreSQL " + pid + " left running by an earlier launcher");
            orphan.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown, a clean one
            try {
                orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("PostgreSQL " + pid + " holding " + directory + " did not stop", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
