package dev.rafiki.schedule.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Schedules: how often they may tick, how many a user may have, how ticks are found. */
@Dependent
public class ScheduleSettings {

    /** Least time between two ticks of a schedule's cron: every tick is a job. */
    @Inject
    @ConfigProperty(name = "rafiki.schedules.min-interval-seconds", defaultValue = "60")
    public long minIntervalSeconds;

    /** Schedules per user. */
    @Inject
    @ConfigProperty(name = "rafiki.schedules.max-per-user", defaultValue = "100")
    public int maxPerUser;

    /** How often each node looks for due ticks. */
    @Inject
    @ConfigProperty(name = "rafiki.schedules.poll-ms", defaultValue = "1000")
    public long pollMillis;

    /** A tick older than this when a node handles it was missed (see the {@code missed} policy). */
    @Inject
    @ConfigProperty(name = "rafiki.schedules.misfire-grace-seconds", defaultValue = "60")
    public long misfireGraceSeconds;
}
