package dev.rafiki.job.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.ReadAccess;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.control.PromptSettings;
import dev.rafiki.prompt.entity.PromptStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Background jobs: submit, follow, cancel, and list what they produced. */
@Path("")
// one instance: a request-scoped resource was created and injected (config lookups included) per request
@ApplicationScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobsResource {

    @Inject
    Jobs jobs;

    @Inject
    JobSubmissions submissions;

    @Inject
    JobReader views;

    @Inject
    CurrentCaller caller;

    @Inject
    PromptSettings prompts;

    @Inject
    WebhookRequests webhooks;

    @POST
    @Path("submit")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a background job", description = "Idempotency-Key gives one job per key; "
            + "the same key with another body is 409 idempotency-key-reused. With run_at (RFC 3339) the job is "
            + "scheduled until then (cancellable), at most rafiki.jobs.max-delay ahead.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(ref = "SubmitRequest")))
    @APIResponse(responseCode = "202", description = "accepted, with Location; webhook.secret only here", content = @Content(mediaType = "application/json", schema = @Schema(ref = "JobView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public Response submit(JsonValue body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        var json = Bodies.required(body);
        var submitted = submissions.submit(JobRequests.parse(caller.subject(), json, idempotencyKey, prompts.maxLength, webhooks.read(json)));
        var job = submitted.job();
        var builder = Response.accepted(job).location(URI.create(job.links().self()));
        if (submitted.replayed()) {
            builder.header("Idempotent-Replayed", "true");
        }
        return builder.build();
    }

    @GET
    @Path("jobs")
    @Operation(summary = "The caller's jobs, newest first", description = "status=queued,running,… filters; "
            + "next_cursor is passed as after for the next page; order=asc lists oldest first. "
            + "Administrators may pass owner=<user>.")
    @APIResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json", schema = @Schema(ref = "JobPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public JobViews.JobPage list(@QueryParam("status") String status, @QueryParam("after") String after,
                                 @QueryParam("limit") String limit, @QueryParam("order") String order,
                                 @QueryParam("owner") String owner) {
        var page = PageRequest.of(limit, order, true);
        var cursor = after == null || after.isBlank() ? null : Bodies.uuid(after, "after");
        return jobs.list(ReadAccess.readerOf(caller.subject(), caller.admin(), owner), statuses(status), cursor,
                page.descending(), page.limit());
    }

    @GET
    @Path("jobs/{id}")
    @Operation(summary = "A job: status, progress, result or error, usage, attempts, artifacts, webhook deliveries")
    @APIResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json", schema = @Schema(ref = "JobView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public JobViews.JobView get(@PathParam("id") String id) {
        var jobId = Bodies.pathId(id, "job");
        return views.get(reader(jobId), jobId);
    }

    @POST
    @Path("jobs/{id}/cancel")
    @Operation(summary = "Cancel a job", description = "Stops the model call and the tool's processes, or takes a "
            + "queued job off the queue; a finished job is left as it is. Safe to repeat.")
    @APIResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json", schema = @Schema(ref = "JobView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public JobViews.JobView cancel(@PathParam("id") String id) {
        return jobs.cancel(caller.subject(), Bodies.pathId(id, "job"));
    }

    @DELETE
    @Path("jobs/{id}")
    @Operation(summary = "Cancel a job (as POST /jobs/{id}/cancel)")
    @APIResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json", schema = @Schema(ref = "JobView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public JobViews.JobView delete(@PathParam("id") String id) {
        return cancel(id);
    }

    @GET
    @Path("jobs/{id}/artifacts")
    @Operation(summary = "A job's artifacts, by name", description = "Cursor pagination: pass next_cursor as after; "
            + "order=desc lists them by name backwards.")
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json", schema = @Schema(ref = "ArtifactList")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public ArtifactList artifacts(@PathParam("id") String id, @QueryParam("after") String after,
                                  @QueryParam("limit") String limit, @QueryParam("order") String order) {
        var page = PageRequest.of(limit, order, false);
        var jobId = Bodies.pathId(id, "job");
        int size = page.limit();
        var items = jobs.artifacts(reader(jobId), jobId, Bodies.queryText(after, "after", 255), page.descending(), size + 1);
        var shown = items.stream().limit(size).toList();
        return new ArtifactList(shown, items.size() > size ? shown.get(size - 1).name() : null);
    }

    /** Whose job a read is: an administrator reads anyone's (ReadAccess). */
    private String reader(java.util.UUID jobId) {
        return ReadAccess.reader(caller.subject(), caller.admin(), jobId, jobs::ownerOf);
    }

    public record ArtifactList(@Schema(required = true) List<JobViews.ArtifactView> items,
                               @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }

    /** {@code ?status=running,queued}: any of the job statuses. */
    static List<PromptStatus> statuses(String text) {
        var statuses = new ArrayList<PromptStatus>();
        if (text == null || text.isBlank()) {
            return statuses;
        }
        // a job's status is its prompt's, word for word
        var words = java.util.Arrays.stream(PromptStatus.values()).map(PromptStatus::wire).toList();
        for (var part : text.split(",")) {
            var word = part.strip().toLowerCase(Locale.ROOT);
            if (!words.contains(word)) {
                throw ApiException.invalid("'status' must be one or more of " + String.join(", ", words)
                        + " (comma-separated)");
            }
            statuses.add(PromptStatus.valueOf(word.toUpperCase(Locale.ROOT)));
        }
        return statuses;
    }
}
