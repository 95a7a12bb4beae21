package dev.rafiki.schedule.boundary;

import dev.rafiki.platform.db.SqlStates;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.schedule.control.ScheduleSettings;
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
 * Every node's timer for schedules (the sweeper's pattern): each pass looks for schedules whose
 * next tick is due and hands each to {@link ScheduleFiring}, which makes sure only one node
 * handles a tick. No node is special: any node that is up fires, and one that comes back catches
 * up by each schedule's missed-run policy.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ScheduleTimer {

    private static final Logger LOG = Logger.getLogger(ScheduleTimer.class.getName());
    /** Schedules handled per pass; more wait for the next one. */
    static final int BATCH = 200;

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Resource
    TimerService timers;

    @Inject
    ScheduleFiring firing;

    @Inject
    ScheduleSettings settings;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(settings.pollMillis, settings.pollMillis, new TimerConfig("schedules", false));
    }

    @Timeout
    void tick() {
        List<UUID> due;
        try {
            due = em.createNativeQuery("""
                            SELECT id FROM schedule WHERE NOT paused AND next_fire_at <= clock_timestamp()
                            ORDER BY next_fire_at LIMIT ?1""", UUID.class)
                    .setParameter(1, BATCH)
                    .getResultList();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "looking for due schedules failed: " + e.getMessage());
            return;
        }
        for (var id : due) {
            try {
                firing.fire(id);
            } catch (RuntimeException e) {
                var refused = refusal(e);
                if (refused == null) {
                    // the database or broker may be away: the tick stays due and the next pass tries again
                    LOG.log(Level.WARNING, "schedule " + id + " not fired now: " + e.getMessage());
                } else {
                    LOG.info(() -> "schedule " + id + ": tick skipped, its job was refused: " + refused);
                    try {
                        firing.skip(id, refused);
                    } catch (RuntimeException again) {
                        LOG.log(Level.WARNING, "schedule " + id + " could not move past a refused tick: "
                                + again.getMessage());
                    }
                }
            }
        }
    }

    /** Why the tick's job was refused for good (retrying the same tick cannot help), or null. */
    static String refusal(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                return api.code().wire() + ": " + api.getMessage();
            }
        }
        if (SqlStates.uniqueViolation(e)) {
            return "a job with this tick's idempotency key exists already";
        }
        return null;
    }
}
