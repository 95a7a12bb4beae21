package dev.rafiki.schedule.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.job.boundary.WebhookRequests;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.control.PromptSettings;
import dev.rafiki.schedule.boundary.ScheduleViews.RunPage;
import dev.rafiki.schedule.boundary.ScheduleViews.SchedulePage;
import dev.rafiki.schedule.boundary.ScheduleViews.ScheduleView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Schedules: a cron expression that submits a job at each tick. */
@Path("schedules")
// one instance, like the other resources: nothing here is per request
@ApplicationScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "schedules")
public class SchedulesResource {

    @Inject
    Schedules schedules;

    @Inject
    CurrentCaller caller;

    @Inject
    PromptSettings prompts;

    @Inject
    WebhookRequests webhooks;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a schedule", description = "cron (5 fields, or 6 with seconds first) in timezone "
            + "(IANA); each tick submits a job with prompt, model, session_id (omitted: a new session each run), "
            + "webhook, metadata. missed: skip (default) or run_once.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(ref = "ScheduleRequest")))
    @APIResponse(responseCode = "201", description = "created, with Location; webhook.secret only here",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ScheduleView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public Response create(JsonValue body) {
        var json = Bodies.required(body);
        var webhook = webhooks.read(json);
        String webhookUrl = webhook == null ? null : webhook.url();
        String secret = webhook == null ? null : webhook.secret();
        var created = schedules.create(new NewSchedule(caller.subject(), Bodies.string(json, "cron", true, 200),
                Bodies.string(json, "timezone", true, 64), Bodies.string(json, "prompt", true, prompts.maxLength),
                Bodies.string(json, "model", false, 200), Bodies.reference(json, "session_id", "session"), webhookUrl, secret,
                metadata(json), Bodies.string(json, "missed", false, 16)));
        return Response.created(URI.create(created.links().self())).entity(created).build();
    }

    @GET
    @Operation(summary = "The caller's schedules, oldest first", description = "next_cursor is passed as after; "
            + "order=desc lists newest first.")
    @APIResponse(responseCode = "200", description = "ok",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "SchedulePage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public SchedulePage list(@QueryParam("after") String after, @QueryParam("limit") String limit,
                             @QueryParam("order") String order) {
        var page = PageRequest.of(limit, order, false);
        return schedules.list(caller.subject(), cursor(after), page.descending(), page.limit());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A schedule: its settings, status, next and last run")
    @APIResponse(responseCode = "200", description = "ok",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ScheduleView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public ScheduleView get(@PathParam("id") String id) {
        return schedules.get(caller.subject(), id(id));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a schedule", description = "Any of cron, timezone, prompt, model, metadata, missed; "
            + "a new cron or timezone counts ticks from now.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(ref = "SchedulePatch")))
    @APIResponse(responseCode = "200", description = "ok",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ScheduleView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public ScheduleView update(@PathParam("id") String id, JsonValue body) {
        var json = Bodies.required(body);
        for (var field : json.keySet()) {
            if (!java.util.Set.of("cron", "timezone", "prompt", "model", "metadata", "missed").contains(field)) {
                throw ApiException.invalid("'" + field + "' cannot be changed; "
                        + "PATCH takes cron, timezone, prompt, model, metadata, missed");
            }
        }
        var prompt = Bodies.string(json, "prompt", false, prompts.maxLength);
        if (prompt != null && prompt.isBlank()) {
            throw ApiException.invalid("'prompt' must not be blank");
        }
        return schedules.update(caller.subject(), id(id), new SchedulePatch(Bodies.string(json, "cron", false, 200),
                Bodies.string(json, "timezone", false, 64), prompt, Bodies.string(json, "model", false, 200),
                metadata(json), Bodies.string(json, "missed", false, 16)));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a schedule", description = "The jobs it created stay.")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response delete(@PathParam("id") String id) {
        schedules.delete(caller.subject(), id(id));
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/pause")
    @Operation(summary = "Pause a schedule (safe to repeat)")
    @APIResponse(responseCode = "200", description = "ok",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ScheduleView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public ScheduleView pause(@PathParam("id") String id) {
        return schedules.pause(caller.subject(), id(id));
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Resume a schedule from its next tick (safe to repeat)")
    @APIResponse(responseCode = "200", description = "ok",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ScheduleView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public ScheduleView resume(@PathParam("id") String id) {
        return schedules.resume(caller.subject(), id(id));
    }

    @GET
    @Path("{id}/runs")
    @Operation(summary = "The jobs a schedule created, newest tick first", description = "next_cursor is passed as after; "
            + "order=asc lists oldest tick first.")
    @APIResponse(responseCode = "200", description = "ok",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "RunPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public RunPage runs(@PathParam("id") String id, @QueryParam("after") String after, @QueryParam("limit") String limit,
                        @QueryParam("order") String order) {
        var page = PageRequest.of(limit, order, true);
        return schedules.runs(caller.subject(), id(id), cursor(after), page.descending(), page.limit());
    }

    private static UUID id(String text) {
        return Bodies.pathId(text, "schedule");
    }

    private static UUID cursor(String after) {
        return after == null || after.isBlank() ? null : Bodies.uuid(after, "after");
    }

    private static String metadata(JsonObject json) {
        var metadata = Bodies.object(json, "metadata");
        if (metadata != null && metadata.toString().length() > 16_384) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "'metadata' is larger than 16 KiB");
        }
        return metadata == null ? null : metadata.toString();
    }
}
