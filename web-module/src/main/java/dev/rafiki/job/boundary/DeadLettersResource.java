package dev.rafiki.job.boundary;

import dev.rafiki.job.control.DeadLetters;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** For operators: the jobs parked on the dead-letter queue, read from the broker itself. */
@Path("admin/dead-letters")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class DeadLettersResource {

    @Inject
    DeadLetters deadLetters;

    public record Letters(List<JsonObject> items, String nextCursor) {
    }

    @GET
    @Operation(summary = "Jobs on the dead-letter queue (admin group)", description = "Browsed from the broker's "
            + "RAFIKI.JOBS.DLQ queue, oldest first, without taking anything off it. Cursor pagination: pass "
            + "next_cursor (a letter's message_id) as after; order=desc lists newest first.")
    @APIResponse(responseCode = "200", description = "ok", content = @Content(mediaType = "application/json", schema = @Schema(ref = "DeadLetters")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public Letters list(@QueryParam("limit") String limit, @QueryParam("after") String after,
                        @QueryParam("order") String order) {
        var request = PageRequest.of(limit, order, false);
        int size = request.limit();
        var letters = deadLetters.browse(after == null || after.isBlank() ? null : after.strip(), request.descending(), size + 1);
        var page = letters.stream().limit(size).toList();
        return new Letters(page, letters.size() > size ? page.get(size - 1).getString("message_id") : null);
    }

    /** Takes a job's letter off the queue once it was dealt with. */
    @DELETE
    @Path("{job_id}")
    @Operation(summary = "Take a job's letter off the dead-letter queue (admin group)")
    @APIResponse(responseCode = "204", description = "removed")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response remove(@PathParam("job_id") String jobId) {
        if (!deadLetters.remove(Bodies.pathId(jobId, "dead letter of job"))) {
            throw ApiException.notFound("dead letter of job " + jobId);
        }
        return Response.noContent().build();
    }
}
