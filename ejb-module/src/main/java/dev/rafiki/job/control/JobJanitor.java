package dev.rafiki.job.control;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Retention: artifacts older than {@code rafiki.artifacts.retention} are removed (zero keeps them). */
@Singleton
public class JobJanitor {

    private static final Logger LOG = Logger.getLogger(JobJanitor.class.getName());

    @Inject
    ArtifactStore store;

    @Inject
    JobSettings settings;

    /**
     * Without a transaction of its own, and never failing: a timer whose callback fails twice (its
     * transaction rolled back while the database is down) is expunged by Payara, for good.
     */
    @Schedule(hour = "*", minute = "*/10", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void purge() {
        if (settings.artifactRetention.isZero() || settings.artifactRetention.isNegative()) {
            return;
        }
        try {
            int removed = store.purgeCreatedBefore(Instant.now().minus(settings.artifactRetention));
            if (removed > 0) {
                LOG.info("removed " + removed + " artifacts older than " + settings.artifactRetention);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "removing old artifacts failed; the next round tries again: " + e.getMessage());
        }
    }
}
