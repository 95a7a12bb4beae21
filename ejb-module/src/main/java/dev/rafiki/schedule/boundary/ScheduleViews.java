package dev.rafiki.schedule.boundary;

import dev.rafiki.job.boundary.JobViews.JobView;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The read models of schedules, as the API shows them. */
public final class ScheduleViews {

    private ScheduleViews() {
    }

    /** @param webhook its secret only in the answer to the request that created the schedule */
    public record ScheduleView(UUID id, String status, String cron, String timezone, String prompt, String model,
                               UUID sessionId, Webhook webhook, JsonObject metadata, String missed, Instant nextRunAt,
                               Instant lastRunAt, String lastError, Instant createdAt, Instant updatedAt, Links links) {
    }

    public record Webhook(String url, String secret) {
    }

    public record Links(String self, String runs, String pause, String resume) {
        static Links of(UUID id) {
            var self = "/schedules/" + id;
            return new Links(self, self + "/runs", self + "/pause", self + "/resume");
        }
    }

    /**
     * One run: the tick it stands for ({@code ticks} more than 1 when it caught up missed ones,
     * the {@code run_once} policy) and the job it created, as {@code GET /jobs/{id}} shows it.
     */
    public record RunView(Instant tickAt, int ticks, JobView job) {
    }

    public record SchedulePage(List<ScheduleView> items, String nextCursor) {
    }

    public record RunPage(List<RunView> items, String nextCursor) {
    }
}
