package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/** The caller's schedules ({@code /schedules}): prompts run as jobs on a cron. */
public final class Schedules {

    private final Transport transport;

    Schedules(Transport transport) {
        this.transport = transport;
    }

    /** {@code POST /schedules}; tried again only when the connection was refused (a create has no key). */
    public Schedule create(NewSchedule schedule) {
        return transport.send(Call.post("/schedules", schedule.toJson().toString(), false).success(201), Schedule.class);
    }

    public Schedule get(UUID id) {
        return transport.send(Call.get(path(id)), Schedule.class);
    }

    /** One page of the caller's schedules, oldest first unless {@code options} say otherwise. */
    public Page<Schedule> list(ListOptions options) {
        return transport.send(options.applyTo(Call.get("/schedules")), Transport.pageOf(Schedule.class));
    }

    /**
     * {@code PATCH /schedules/{id}}: changes any of {@code cron}, {@code timezone}, {@code prompt},
     * {@code model}, {@code metadata}, {@code missed} (given as a map of those names to values; a
     * null value is sent as JSON {@code null}).
     */
    public Schedule update(UUID id, Map<String, ?> changes) {
        var json = Json.createObjectBuilder();
        changes.forEach((key, value) -> {
            if (value == null) {
                // a null clears the member (the server says whether it may be cleared); never the text "null"
                json.addNull(key);
            } else if (value instanceof JsonObject object) {
                json.add(key, object);
            } else {
                json.add(key, String.valueOf(value));
            }
        });
        return transport.send(Call.method("PATCH", path(id), json.build().toString(), true), Schedule.class);
    }

    /** Stops its ticks until {@link #resume(UUID)}; safe to repeat. */
    public Schedule pause(UUID id) {
        return transport.send(Call.post(path(id) + "/pause", null, true), Schedule.class);
    }

    /** Ticks again from the next tick on; safe to repeat. */
    public Schedule resume(UUID id) {
        return transport.send(Call.post(path(id) + "/resume", null, true), Schedule.class);
    }

    public void delete(UUID id) {
        transport.send(Call.method("DELETE", path(id), null, true).success(204).successOnRetry(404));
    }

    /** One page of its runs, newest tick first unless {@code options} say otherwise. */
    public Page<Schedule.Run> runs(UUID id, ListOptions options) {
        return transport.send(options.applyTo(Call.get(path(id) + "/runs")), Transport.pageOf(Schedule.Run.class));
    }

    private static String path(UUID id) {
        return "/schedules/" + id;
    }
}
