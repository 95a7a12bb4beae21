package dev.rafiki.schedule.control;

import jakarta.enterprise.context.Dependent;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Schedules: how often they may tick, how many a user may have, how ticks are found. */
@ConfigProperties(prefix = "rafiki.schedules")
@Dependent
public class ScheduleSettings {

    /** Least time between two ticks of a schedule's cron: every tick is a job. */
    @ConfigProperty(name = "min-interval-seconds", defaultValue = "60")
    public long minIntervalSeconds;

    /** Schedules per user. */
    @ConfigProperty(name = "max-per-user", defaultValue = "100")
    public int maxPerUser;

    /** How often each node looks for due ticks. */
    @ConfigProperty(name = "poll-ms", defaultValue = "1000")
    public long pollMillis;

    /** A tick older than this when a node handles it was missed (see the {@code missed} policy). */
    @ConfigProperty(name = "misfire-grace-seconds", defaultValue = "60")
    public long misfireGraceSeconds;
}
