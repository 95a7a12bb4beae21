package dev.rafiki.schedule.boundary;

import dev.rafiki.job.boundary.JobViews.JobView;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The read models of schedules, as the API shows them. */
public final class ScheduleViews {

    private ScheduleViews() {
    }

    /** @param webhook its secret only in the answer to the request that created the schedule */
    public record ScheduleView(@Schema(required = true) UUID id, @Schema(required = true, enumeration = {"active", "paused"}) String status,
                               @Schema(required = true) String cron, @Schema(required = true) String timezone,
                               @Schema(required = true) String prompt, String model,
                               UUID sessionId, Webhook webhook, JsonObject metadata,
                               @Schema(enumeration = {"skip", "run_once"}) String missed,
                               @Schema(description = "absent while paused or when the cron has no further tick") Instant nextRunAt,
                               @Schema(description = "the tick of the last run") Instant lastRunAt,
                               @Schema(description = "why the last tick created no job") String lastError,
                               @Schema(required = true) Instant createdAt, Instant updatedAt, @Schema(required = true) Links links) {
    }

    @Schema(name = "ScheduleWebhook")
    public record Webhook(@Schema(required = true) String url,
                          @Schema(description = "only in the 201 of the creation") String secret) {
    }

    @Schema(name = "ScheduleLinks")
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
    public record RunView(@Schema(required = true) Instant tickAt,
                          @Schema(description = "ticks this run stands for (more than 1: missed ticks caught up with run_once)") int ticks,
                          JobView job) {
    }

    public record SchedulePage(@Schema(required = true) List<ScheduleView> items,
                               @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }

    public record RunPage(@Schema(required = true) List<RunView> items,
                          @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }
}
