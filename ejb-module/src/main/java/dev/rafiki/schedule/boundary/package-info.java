/**
 * Schedules: a cron expression in a time zone creates a job at each tick. Guarantees: a tick
 * creates at most one job in the whole cluster, whichever node's timer sees it (the schedule's row
 * is claimed with {@code FOR UPDATE SKIP LOCKED} and {@code next_fire_at} moved on in the
 * transaction that records the run; {@code schedule_run}'s key and the job's idempotency key
 * {@code schedule:<id>:<tick>} refuse a second one); a node that was down catches up by the
 * schedule's {@code missed} policy; each run is an ordinary job (same queue, retries, artifacts,
 * webhooks), created through {@code Jobs}.
 */
package dev.rafiki.schedule.boundary;
