package dev.rafiki.job.boundary;

import dev.rafiki.job.control.JobSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Queues delayed jobs whose {@code run_at} has come, on every node (the sweeper's pattern: the
 * database is the truth, each node looks). Each job is released in a transaction of its own that
 * re-checks it under its session's row lock, so two nodes seeing the same job queue it once, and a
 * node that was down finds every job that came due meanwhile.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DueJobs {

    private static final Logger LOG = Logger.getLogger(DueJobs.class.getName());
    /** Jobs released per pass; more wait for the next one, a poll period later. */
    static final int BATCH = 200;

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Resource
    TimerService timers;

    @Inject
    JobIntake intake;

    @Inject
    JobSettings settings;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(settings.releasePollMillis, settings.releasePollMillis, new TimerConfig("due-jobs", false));
    }

    @Timeout
    void release() {
        List<UUID> due;
        try {
            due = em.createNativeQuery("""
                            SELECT job_id FROM due_job WHERE run_at <= now()
                            ORDER BY run_at LIMIT ?1""", UUID.class)
                    .setParameter(1, BATCH)
                    .getResultList();
        } catch (RuntimeException e) {
            // the database may be down; the next pass looks again
            LOG.log(Level.WARNING, "looking for due delayed jobs failed: " + e.getMessage());
            return;
        }
        for (var id : due) {
            try {
                intake.release(id);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "delayed job " + id + " not released now: " + e.getMessage());
            }
        }
    }
}
