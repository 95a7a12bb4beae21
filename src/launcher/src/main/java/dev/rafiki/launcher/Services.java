package dev.rafiki.launcher;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;

/**
 * {@code rafiki-launcher.jar services}: what the nodes of a cluster share, without a node: the
 * embedded PostgreSQL and a standalone, persistent ActiveMQ broker, on fixed loopback ports, until
 * Ctrl-C. It stands in for the database and broker a production cluster would run on their own
 * machines; nodes reach it as an external database ({@code RAFIKI_DB_URL}) and an external broker
 * ({@code RAFIKI_BROKER_URL}), exactly as they would reach production ones.
 * <p>
 * {@code rafiki.services} picks the pieces ({@code db,broker} by default), so that each can run,
 * stop and restart on its own, as the fault tests do.
 */
final class Services {

    private static final Logger LOG = Logger.getLogger(Services.class.getName());

    private final Settings settings;
    private final Path data;

    Services(Settings settings) {
        this.settings = settings;
        this.data = settings.dataDir();
    }

    int run() throws Exception {
        Launcher.createPrivate(data);
        try (var lockChannel = FileChannel.open(data.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var lock = lockChannel.tryLock()) {
            if (lock == null) {
                LOG.severe("another Rafiki already runs on " + data + "; stop it or set RAFIKI_DATA_DIR");
                return 2;
            }
            return runLocked();
        }
    }

    private int runLocked() throws Exception {
        var wanted = Set.copyOf(List.of(settings.get("rafiki.services", "db,broker").split("\\s*,\\s*")));
        String host = settings.get("rafiki.services.host", "127.0.0.1");
        EmbeddedDatabase database = null;
        BrokerService broker = null;
        var stopped = new CountDownLatch(1);
        try {
            if (wanted.contains("db")) {
                database = EmbeddedDatabase.start(data.resolve("postgres"), settings.getInt("rafiki.db.port", 5432), host);
                LOG.info("PostgreSQL: RAFIKI_DB_URL=jdbc:postgresql://" + host + ":" + database.port()
                        + "/postgres RAFIKI_DB_USER=postgres RAFIKI_DB_PASSWORD=postgres");
            }
            if (wanted.contains("broker")) {
                int port = settings.getInt("rafiki.broker.port", 61616);
                broker = startBroker(data.resolve("broker"), host, port);
                LOG.info("ActiveMQ broker: RAFIKI_BROKER_URL=tcp://" + host + ":" + port);
            }
            var db = database;
            var mq = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopBroker(mq);
                closeQuietly(db);
                stopped.countDown();
            }, "rafiki-services-shutdown"));
            Files.writeString(data.resolve("services.pid"), Long.toString(ProcessHandle.current().pid()));
            LOG.info("services ready (" + String.join(",", wanted) + "); Ctrl-C stops them");
            stopped.await();
            return 0;
        } catch (Exception | Error e) {
            stopBroker(broker);
            closeQuietly(database);
            throw e;
        }
    }

    /** Persistent (KahaDB in the data directory): accepted wake-ups survive a broker restart. */
    static BrokerService startBroker(Path directory, String host, int port) throws Exception {
        Files.createDirectories(directory);
        var broker = new BrokerService();
        broker.setBrokerName("rafiki");
        broker.setPersistent(true);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.setDataDirectoryFile(directory.toFile());
        var kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(directory.resolve("kahadb").toFile());
        broker.setPersistenceAdapter(kahaDb);
        broker.addConnector("tcp://" + host + ":" + port);
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }

    private static void stopBroker(BrokerService broker) {
        if (broker == null) {
            return;
        }
        try {
            LOG.info("stopping the broker");
            broker.stop();
            broker.waitUntilStopped();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "the broker did not stop cleanly", e);
        }
    }

    private static void closeQuietly(EmbeddedDatabase database) {
        if (database == null) {
            return;
        }
        try {
            LOG.info("stopping PostgreSQL");
            database.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "PostgreSQL did not stop cleanly", e);
        }
    }
}
