/**
 * Cron arithmetic: when a schedule ticks, as wall-clock times in its time zone, with one rule for
 * daylight-saving gaps (moved later by the gap) and overlaps (first occurrence only).
 */
package dev.rafiki.schedule.control;
