/** Schedules: the stored cron expressions whose ticks create jobs (runs are rows of {@code schedule_run}). */
package dev.rafiki.schedule.entity;
