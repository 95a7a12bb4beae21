package dev.rafiki.schedule.boundary;

/** The fields a {@code PATCH} changes; null leaves a field as it is. */
public record SchedulePatch(String cron, String timezone, String prompt, String model, String metadata, String missed) {
}
