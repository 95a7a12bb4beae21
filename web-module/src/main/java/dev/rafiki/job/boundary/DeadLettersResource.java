package dev.rafiki.job.boundary;

import dev.rafiki.job.control.DeadLetters;
import dev.rafiki.platform.http.Bodies;
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

/** For operators: the jobs parked on the dead-letter queue, read from the broker itself. */
@Path("admin/dead-letters")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {

    @Inject
    DeadLetters deadLetters;

    public record Letters(List<JsonObject> items) {
    }

    @GET
    public Letters list(@QueryParam("limit") String limit) {
        return new Letters(deadLetters.browse(Bodies.limit(limit, 100, 1000)));
    }

    /** Takes a job's letter off the queue once it was dealt with. */
    @DELETE
    @Path("{job_id}")
    public Response remove(@PathParam("job_id") String jobId) {
        if (!deadLetters.remove(Bodies.pathId(jobId, "dead letter of job"))) {
            throw ApiException.notFound("dead letter of job " + jobId);
        }
        return Response.noContent().build();
    }
}
