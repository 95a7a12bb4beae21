package dev.rafiki.schedule.boundary;

import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.job.boundary.Jobs;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.schedule.boundary.ScheduleViews.Links;
import dev.rafiki.schedule.boundary.ScheduleViews.RunPage;
import dev.rafiki.schedule.boundary.ScheduleViews.RunView;
import dev.rafiki.schedule.boundary.ScheduleViews.SchedulePage;
import dev.rafiki.schedule.boundary.ScheduleViews.ScheduleView;
import dev.rafiki.schedule.boundary.ScheduleViews.Webhook;
import dev.rafiki.schedule.control.CronSchedule;
import dev.rafiki.schedule.control.ScheduleSettings;
import dev.rafiki.schedule.control.TickPlan.Missed;
import dev.rafiki.schedule.entity.Schedule;
import dev.rafiki.session.boundary.Sessions;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Creating, reading, changing, pausing and deleting schedules, and listing their runs. */
@Stateless
public class Schedules {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    Sessions sessions;

    @Inject
    Jobs jobs;

    @Inject
    ModelCatalog models;

    @Inject
    ScheduleSettings settings;

    public ScheduleView create(NewSchedule request) {
        var cron = cron(request.cron(), request.timezone());
        var missed = missed(request.missed() == null ? Missed.SKIP.wire() : request.missed());
        if (request.model() != null && models.resolve(request.model()) == null) {
            throw ApiException.invalid("unknown model '" + request.model() + "'; use " + models.describe());
        }
        if (request.sessionId() != null) {
            sessions.owned(request.owner(), request.sessionId());
        }
        // counted under a per-user transaction lock, so concurrent creations cannot overshoot
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext('schedules:' || ?1))")
                .setParameter(1, request.owner()).getSingleResult();
        long count = em.createQuery("SELECT COUNT(s) FROM Schedule s WHERE s.owner = :owner", Long.class)
                .setParameter("owner", request.owner()).getSingleResult();
        if (count >= settings.maxPerUser) {
            throw new ApiException(ErrorCode.SCHEDULE_LIMIT_REACHED, "you already have " + count
                    + " schedules (rafiki.schedules.max-per-user); delete one first");
        }
        var now = Instant.now();
        var s = new Schedule();
        s.id = UUID.randomUUID();
        s.owner = request.owner();
        s.cron = cron.expression();
        s.timezone = cron.zone().getId();
        s.prompt = request.prompt();
        s.model = request.model();
        s.sessionId = request.sessionId();
        s.webhookUrl = request.webhookUrl();
        s.webhookSecret = request.webhookSecret();
        s.metadata = request.metadata();
        s.missed = missed.wire();
        s.nextFireAt = cron.nextAfter(now).orElse(null);
        s.createdAt = now;
        s.updatedAt = now;
        em.persist(s);
        return view(s, true);
    }

    public ScheduleView get(String owner, UUID id) {
        return view(owned(owner, id, false), false);
    }

    /** The caller's schedules, oldest (or newest) first, from a cursor. */
    public SchedulePage list(String owner, UUID after, boolean newestFirst, int limit) {
        var query = new StringBuilder("SELECT s FROM Schedule s WHERE s.owner = :owner");
        Schedule cursor = after == null ? null : owned(owner, after, false);
        if (cursor != null) {
            query.append(newestFirst ? " AND (s.createdAt < :at OR (s.createdAt = :at AND s.id < :id))"
                    : " AND (s.createdAt > :at OR (s.createdAt = :at AND s.id > :id))");
        }
        query.append(newestFirst ? " ORDER BY s.createdAt DESC, s.id DESC" : " ORDER BY s.createdAt, s.id");
        var q = em.createQuery(query.toString(), Schedule.class).setParameter("owner", owner);
        if (cursor != null) {
            q.setParameter("at", cursor.createdAt).setParameter("id", cursor.id);
        }
        var rows = q.setMaxResults(limit + 1).getResultList();
        var items = rows.stream().limit(limit).map(s -> view(s, false)).toList();
        return new SchedulePage(items, rows.size() > limit ? items.get(items.size() - 1).id().toString() : null);
    }

    /** Changes what the next runs do; a new cron or time zone starts counting ticks from now. */
    public ScheduleView update(String owner, UUID id, SchedulePatch patch) {
        var s = owned(owner, id, true);
        if (patch.cron() != null || patch.timezone() != null) {
            var cron = cron(patch.cron() == null ? s.cron : patch.cron(),
                    patch.timezone() == null ? s.timezone : patch.timezone());
            s.cron = cron.expression();
            s.timezone = cron.zone().getId();
            s.nextFireAt = cron.nextAfter(Instant.now()).orElse(null);
        }
        if (patch.prompt() != null) {
            s.prompt = patch.prompt();
        }
        if (patch.model() != null) {
            if (models.resolve(patch.model()) == null) {
                throw ApiException.invalid("unknown model '" + patch.model() + "'; use " + models.describe());
            }
            s.model = patch.model();
        }
        if (patch.metadata() != null) {
            s.metadata = patch.metadata();
        }
        if (patch.missed() != null) {
            s.missed = missed(patch.missed()).wire();
        }
        s.updatedAt = Instant.now();
        return view(s, false);
    }

    public void delete(String owner, UUID id) {
        em.remove(owned(owner, id, true));
    }

    /** No run starts while paused; safe to repeat. */
    public ScheduleView pause(String owner, UUID id) {
        var s = owned(owner, id, true);
        if (!s.paused) {
            s.paused = true;
            s.updatedAt = Instant.now();
        }
        return view(s, false);
    }

    /** Runs again from the next tick after now: ticks that passed while paused are not run. Safe to repeat. */
    public ScheduleView resume(String owner, UUID id) {
        var s = owned(owner, id, true);
        if (s.paused) {
            s.paused = false;
            s.nextFireAt = CronSchedule.parse(s.cron, s.timezone).nextAfter(Instant.now()).orElse(null);
            s.updatedAt = Instant.now();
        }
        return view(s, false);
    }

    /**
     * The jobs the schedule created, newest (or oldest) tick first; the cursor is a job id of the
     * previous page.
     */
    public RunPage runs(String owner, UUID id, UUID after, boolean newestFirst, int limit) {
        owned(owner, id, false);
        // (schedule_id, tick_at) is the primary key: the tick alone is the keyset, no tie-break needed.
        // The cursor's tick, or beyond every tick on the first page (no run has the nil id).
        var sql = newestFirst ? """
                SELECT job_id, tick_at, ticks FROM schedule_run WHERE schedule_id = ?1
                AND tick_at < COALESCE((SELECT tick_at FROM schedule_run WHERE schedule_id = ?1 AND job_id = ?2),
                                       'infinity'::timestamptz)
                ORDER BY tick_at DESC LIMIT ?3""" : """
                SELECT job_id, tick_at, ticks FROM schedule_run WHERE schedule_id = ?1
                AND tick_at > COALESCE((SELECT tick_at FROM schedule_run WHERE schedule_id = ?1 AND job_id = ?2),
                                       '-infinity'::timestamptz)
                ORDER BY tick_at LIMIT ?3""";
        var q = em.createNativeQuery(sql).setParameter(1, id).setParameter(2, after == null ? new UUID(0, 0) : after)
                .setParameter(3, limit + 1);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        var items = new ArrayList<RunView>();
        for (var row : rows.subList(0, Math.min(limit, rows.size()))) {
            var jobId = (UUID) row[0];
            items.add(new RunView(instant(row[1]), ((Number) row[2]).intValue(), jobs.get(owner, jobId)));
        }
        return new RunPage(items, rows.size() > limit ? items.get(items.size() - 1).job().id().toString() : null);
    }

    private CronSchedule cron(String expression, String timezone) {
        CronSchedule cron;
        try {
            cron = CronSchedule.parse(expression, timezone);
        } catch (CronSchedule.InvalidZone e) {
            throw new ApiException(ErrorCode.INVALID_TIMEZONE, e.getMessage());
        } catch (CronSchedule.InvalidCron e) {
            throw new ApiException(ErrorCode.INVALID_CRON, e.getMessage());
        }
        var now = Instant.now();
        if (cron.nextAfter(now).isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_CRON, "'cron' never ticks: " + expression);
        }
        var minimum = Duration.ofSeconds(settings.minIntervalSeconds);
        cron.shortestInterval(now, minimum).filter(gap -> gap.compareTo(minimum) < 0).ifPresent(gap -> {
            throw new ApiException(ErrorCode.CRON_TOO_FREQUENT, "'cron' ticks " + gap.toSeconds()
                    + " s apart; the least allowed is " + minimum.toSeconds() + " s (rafiki.schedules.min-interval-seconds)");
        });
        return cron;
    }

    private static Missed missed(String wire) {
        return Missed.of(wire).orElseThrow(() -> ApiException.invalid("'missed' must be skip or run_once"));
    }

    private Schedule owned(String owner, UUID id, boolean lock) {
        var s = em.find(Schedule.class, id);
        if (s == null || !s.owner.equals(owner)) {
            throw ApiException.notFound("schedule " + id);
        }
        if (lock) {
            // a node's timer may be firing it: wait for that, then change what it committed
            em.refresh(s, LockModeType.PESSIMISTIC_WRITE);
        }
        return s;
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }

    static ScheduleView view(Schedule s, boolean withSecret) {
        var webhook = s.webhookUrl == null ? null : new Webhook(s.webhookUrl, withSecret ? s.webhookSecret : null);
        return new ScheduleView(s.id, s.paused ? "paused" : "active", s.cron, s.timezone, s.prompt, s.model,
                s.sessionId, webhook, dev.rafiki.session.boundary.Views.metadata(s.metadata), s.missed, s.paused ? null : s.nextFireAt, s.lastFiredAt,
                s.lastError, s.createdAt, s.updatedAt, Links.of(s.id));
    }

}
