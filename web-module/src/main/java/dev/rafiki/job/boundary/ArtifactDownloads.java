package dev.rafiki.job.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.Downloads;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.http.Roles;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import dev.rafiki.platform.problem.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import dev.rafiki.link.control.SignedLinks;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Downloads a job's artifact: conditional GET by ETag (the content's SHA-256), one byte range
 * (RFC 9110), and headers that keep a browser from running what an agent wrote on our origin.
 * Content streams from the database in chunks, never whole into memory.
 */
@Path("jobs/{id}/artifacts/{name}")
@RequestScoped
@RolesAllowed(Roles.USER)
@Tag(name = "jobs")
public class ArtifactDownloads {


    @Inject
    Jobs jobs;

    @Inject
    ArtifactStore store;

    @Inject
    CurrentCaller caller;

    @Inject
    SignedLinks links;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uri;

    @GET
    @Operation(summary = "Download an artifact", description = "ETag is the SHA-256 (If-None-Match → 304); one "
            + "Range per request (206 with Content-Range, If-Range honoured); Content-Disposition: attachment.")
    @APIResponse(responseCode = "200", description = "the content", content = @Content(mediaType = "application/octet-stream"))
    @APIResponse(responseCode = "206", description = "the requested range", content = @Content(mediaType = "application/octet-stream"))
    @APIResponse(responseCode = "304", description = "not modified")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "RangeNotSatisfiable", responseCode = "416")
    public Response download(@PathParam("id") String id, @PathParam("name") String name,
                             @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange,
                             @HeaderParam("If-None-Match") String ifNoneMatch) {
        var jobId = Bodies.pathId(id, "job");
        var reader = dev.rafiki.platform.http.ReadAccess.reader(caller.subject(), caller.admin(), jobId, jobs::ownerOf);
        var meta = jobs.artifact(reader, jobId, name)
                .orElseThrow(() -> ApiException.notFound("artifact '" + name + "' of job " + jobId));
        return Downloads.answer(new Downloads.Content(meta.name(), meta.contentType(), meta.size(), meta.sha256()),
                range, ifRange, ifNoneMatch, RequestIds.of(request), (start, length) -> ArtifactBodies.of(store, jobId, meta, start, length));
    }

    @POST
    @Path("link")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(ref = "NotFound", responseCode = "404")
    @Operation(summary = "A signed link to an artifact", description = "Body optional: expires_in (seconds). Answers "
            + "url and expires_at; the url opens the artifact without a token until then.")
    @APIResponse(responseCode = "201", description = "the link", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SignedLink")))
    public Response link(@PathParam("id") String id, @PathParam("name") String name, JsonValue body) {
        var jobId = Bodies.pathId(id, "job");
        var meta = jobs.artifact(caller.subject(), jobId, name)
                .orElseThrow(() -> ApiException.notFound("artifact '" + name + "' of job " + jobId));
        var link = links.create(uri.getBaseUri(), "/jobs/" + jobId + "/artifacts/" + meta.name(), SignedLinks.expiresIn(body));
        return Response.status(Response.Status.CREATED).entity(link).build();
    }
}
