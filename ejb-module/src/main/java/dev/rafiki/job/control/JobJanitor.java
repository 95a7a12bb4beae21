package dev.rafiki.job.control;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Retention: artifacts older than {@code rafiki.artifacts.retention} are removed (zero keeps them). */
@Singleton
public class JobJanitor {

    private static final Logger LOG = Logger.getLogger(JobJanitor.class.getName());

    @Inject
    ArtifactStore store;

    @Inject
    @ConfigProperty(name = "rafiki.artifacts.retention", defaultValue = "P30D")
    Duration retention;

    @Schedule(hour = "*", minute = "*/10", persistent = false)
    void purge() {
        if (retention.isZero() || retention.isNegative()) {
            return;
        }
        int removed = store.purgeCreatedBefore(Instant.now().minus(retention));
        if (removed > 0) {
            LOG.info("removed " + removed + " artifacts older than " + retention);
        }
    }
}
