package dev.rafiki.job.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.auth.boundary.StreamToken;
import dev.rafiki.platform.http.StreamTokens;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /jobs/{id}/stream-token}: the job's owner gets a short-lived token that can only
 * follow that one job's events, to hand to a browser showing the job's progress.
 */
@Path("jobs/{id}/stream-token")
@RequestScoped
@RolesAllowed(Roles.USER)
@Tag(name = "jobs")
public class JobStreamTokensResource {

    @Inject
    StreamTokens tokens;

    @Inject
    Jobs jobs;

    @Inject
    CurrentCaller caller;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a stream token for one job",
            description = "A token (`rafiki.stream-token.ttl-seconds`, default 5 minutes) that only follows this job's "
                    + "events, passed as `access_token` on GET /events?job_id= or GET /ws (subscribe with job_id). "
                    + "Refused by every other route.")
    @APIResponse(responseCode = "200", description = "the token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "StreamToken")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public StreamToken issue(@PathParam("id") String id) {
        var jobId = Bodies.pathId(id, "job");
        return StreamToken.issue(tokens, caller.subject(), jobs.sessionOf(caller.subject(), jobId), jobId);
    }
}
