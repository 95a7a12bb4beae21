package dev.rafiki.prompt.control;

import dev.rafiki.platform.db.SchemaMigrator;
import dev.rafiki.platform.metrics.MetricsSettings;
import dev.rafiki.prompt.entity.PromptStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * How much work waits and runs, cluster-wide (every node reports the same figures: aggregate
 * with {@code max}, not {@code sum}). The counts come from the database, read lazily by the
 * scrape and kept for {@code rafiki.metrics.refresh-seconds}: one cheap query per period per node
 * (the partial index on pending rows serves it), however many scrapers, and none while nobody
 * scrapes.
 */
@ApplicationScoped
public class QueueDepths {

    private static final Logger LOG = Logger.getLogger(QueueDepths.class.getName());
    static final String DEPTH = "rafiki.queue.depth";
    /**
     * The runnable states: the work the cluster's workers have. A prompt waiting for a person is
     * not counted: no worker can do anything for it until the decision.
     */
    static final List<String> STATES = PromptStatus.RUNNABLE.stream().map(PromptStatus::wire).toList();

    /**
     * One query per queue, answering (status, count) rows for the runnable states. Another durable
     * queue (jobs) is one more entry here.
     */
    static final Map<String, String> QUEUES = Map.of(
            "prompts", "SELECT status, count(*) FROM prompt WHERE status IN " + PromptStatus.RUNNABLE_SQL + " GROUP BY status",
            // a job's status is its prompt's; the runnable prompts' partial index serves the join
            "jobs", "SELECT p.status, count(*) FROM job j JOIN prompt p ON p.id = j.id"
                    + " WHERE p.status IN " + PromptStatus.RUNNABLE_SQL + " GROUP BY p.status");

    private static final Metadata DEPTH_META = Metadata.builder().withName(DEPTH)
            .withDescription("Pending work in the whole cluster, by queue and state (queued, running); refreshed at most every rafiki.metrics.refresh-seconds").build();

    @Inject
    MetricRegistry registry;

    /**
     * Looked up when first needed, not injected: in the EAR on Payara Server the application's
     * datasource is not yet bound when CDI injects this bean at deployment.
     */
    private volatile DataSource dataSource;

    @Inject
    MetricsSettings settings;

    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Map<String, Long> depths = Map.of();
    private volatile long readAt = Long.MIN_VALUE / 2;

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (var queue : QUEUES.keySet()) {
            for (var state : STATES) {
                registry.gauge(DEPTH_META, this, self -> self.depth(queue, state), new Tag("queue", queue), new Tag("state", state));
            }
        }
    }

    private DataSource dataSource() {
        var current = dataSource;
        if (current == null) {
            try {
                current = javax.naming.InitialContext.doLookup(SchemaMigrator.DATA_SOURCE);
            } catch (javax.naming.NamingException e) {
                throw new IllegalStateException("no datasource at " + SchemaMigrator.DATA_SOURCE, e);
            }
            dataSource = current;
        }
        return current;
    }

    long depth(String queue, String state) {
        refreshIfStale();
        return depths.getOrDefault(queue + "/" + state, 0L);
    }

    /** One scraper refreshes; concurrent ones (and the other gauges of the same scrape) use the figures at hand. */
    private void refreshIfStale() {
        if (System.nanoTime() - readAt < settings.refreshSeconds * 1_000_000_000L || !refreshing.tryLock()) {
            return;
        }
        try {
            var fresh = new HashMap<String, Long>();
            try (var connection = dataSource().getConnection()) {
                for (var queue : QUEUES.entrySet()) {
                    try (var statement = connection.prepareStatement(queue.getValue()); var rows = statement.executeQuery()) {
                        while (rows.next()) {
                            fresh.put(queue.getKey() + "/" + rows.getString(1), rows.getLong(2));
                        }
                    }
                }
                depths = Map.copyOf(fresh);
            } catch (SQLException | RuntimeException e) {
                // the last figures stay; readiness reports the database
                LOG.log(Level.FINE, "queue depths could not be read", e);
            }
            readAt = System.nanoTime();
        } finally {
            refreshing.unlock();
        }
    }
}
