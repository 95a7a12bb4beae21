package dev.rafiki.schedule.boundary;

import dev.rafiki.job.boundary.Jobs;
import dev.rafiki.job.boundary.NewJob;
import dev.rafiki.schedule.control.CronSchedule;
import dev.rafiki.schedule.control.ScheduleSettings;
import dev.rafiki.schedule.control.TickPlan;
import dev.rafiki.schedule.entity.Schedule;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Handles one schedule's due tick in one transaction: claims the schedule's row (a row another
 * node is handling is passed over, never waited for), decides by the missed-run policy, creates
 * the run's job through {@link Jobs}, records the run and moves {@code next_fire_at} on. The job,
 * the run and the new {@code next_fire_at} commit together or not at all.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ScheduleFiring {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    Jobs jobs;

    @Inject
    dev.rafiki.platform.config.NodeIdentity node;

    @Inject
    ScheduleSettings settings;

    /** The idempotency key of a tick's job: the same on every node for the same tick. */
    public static String idempotencyKey(UUID scheduleId, Instant tick) {
        return "schedule:" + scheduleId + ":" + tick;
    }

    /** @return the job created, or null when there was nothing to run (or another node has it) */
    public UUID fire(UUID id) {
        @SuppressWarnings("unchecked")
        List<Object> claimed = em.createNativeQuery("""
                        SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint FROM schedule
                        WHERE id = ?1 AND NOT paused AND next_fire_at <= clock_timestamp()
                        FOR UPDATE SKIP LOCKED""")
                .setParameter(1, id)
                .getResultList();
        if (claimed.isEmpty()) {
            return null;
        }
        // the database's clock, the same for every node
        long micros = ((Number) claimed.get(0)).longValue();
        var now = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
        var s = em.find(Schedule.class, id);
        em.refresh(s);
        var plan = TickPlan.of(CronSchedule.parse(s.cron, s.timezone), s.nextFireAt, now,
                Duration.ofSeconds(settings.misfireGraceSeconds), TickPlan.Missed.of(s.missed).orElse(TickPlan.Missed.SKIP));
        UUID jobId = null;
        if (plan.fire() != null) {
            jobId = jobs.acceptWithin(new NewJob(s.owner, s.sessionId, s.prompt, s.model, s.webhookUrl,
                    s.webhookSecret, s.metadata, idempotencyKey(s.id, plan.fire())));
            em.createNativeQuery("""
                            INSERT INTO schedule_run (schedule_id, tick_at, job_id, ticks, fired_by, created_at)
                            VALUES (?1, ?2, ?3, ?4, ?5, clock_timestamp())""")
                    .setParameter(5, node.nodeId())
                    .setParameter(1, s.id)
                    .setParameter(2, plan.fire())
                    .setParameter(3, jobId)
                    .setParameter(4, plan.ticks())
                    .executeUpdate();
            s.lastFiredAt = plan.fire();
            s.lastError = null;
        }
        s.nextFireAt = plan.next();
        s.updatedAt = now;
        return jobId;
    }

    /**
     * Moves past a tick whose job could not be created (the session's queue full, its model
     * gone, ...), noting why, so one bad tick does not block the ones after it.
     */
    public void skip(UUID id, String reason) {
        var s = em.find(Schedule.class, id);
        if (s == null || s.paused || s.nextFireAt == null) {
            return;
        }
        em.refresh(s, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        var now = Instant.now();
        if (s.nextFireAt == null || s.nextFireAt.isAfter(now)) {
            return;
        }
        s.nextFireAt = CronSchedule.parse(s.cron, s.timezone).nextAfter(now).orElse(null);
        s.lastError = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
        s.updatedAt = now;
    }
}
