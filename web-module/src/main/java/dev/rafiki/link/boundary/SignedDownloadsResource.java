package dev.rafiki.link.boundary;

import dev.rafiki.job.boundary.ArtifactBodies;
import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.link.control.SignedLinks;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.Downloads;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.session.boundary.Sessions;
import dev.rafiki.workspace.boundary.FileDownloads;
import dev.rafiki.workspace.control.WorkspaceFiles;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The downloads behind signed links, open without a token: the signature is checked before
 * anything is looked up, then the content is served exactly as its token route serves it.
 */
@Path("signed")
@RequestScoped
@PermitAll
@Tag(name = "links")
public class SignedDownloadsResource {

    @Inject
    SignedLinks links;

    @Inject
    WorkspaceFiles files;

    @Inject
    Sessions sessions;

    @Inject
    ArtifactStore artifacts;

    @Context
    HttpServletRequest request;

    @GET
    @Path("session/{id}/files/{path: .+}")
    @APIResponse(responseCode = "403", description = "link-invalid", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "410", description = "link-expired", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "A workspace file through a signed link (no token)")
    @APIResponse(responseCode = "200", description = "the content")
    public Response file(@PathParam("id") String id, @PathParam("path") String path,
                         @QueryParam("expires") String expires, @QueryParam("signature") String signature,
                         @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange,
                         @HeaderParam("If-None-Match") String ifNoneMatch) {
        links.check("/session/" + id + "/files/" + path, expires, signature);
        var session = Bodies.pathId(id, "session");
        if (sessions.ownerOf(session).isEmpty()) {
            throw ApiException.notFound("session " + session);
        }
        return FileDownloads.answer(files.open(session, path), range, ifRange, ifNoneMatch, RequestIds.of(request));
    }

    @GET
    @Path("jobs/{id}/artifacts/{name}")
    @APIResponse(responseCode = "403", description = "link-invalid", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "410", description = "link-expired", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "An artifact through a signed link (no token)")
    @APIResponse(responseCode = "200", description = "the content")
    public Response artifact(@PathParam("id") String id, @PathParam("name") String name,
                             @QueryParam("expires") String expires, @QueryParam("signature") String signature,
                             @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange,
                             @HeaderParam("If-None-Match") String ifNoneMatch) {
        links.check("/jobs/" + id + "/artifacts/" + name, expires, signature);
        var jobId = Bodies.pathId(id, "job");
        var meta = artifacts.find(jobId, name).orElseThrow(() -> ApiException.notFound("artifact '" + name + "' of job " + jobId));
        return Downloads.answer(new Downloads.Content(meta.name(), meta.contentType(), meta.size(), meta.sha256()),
                range, ifRange, ifNoneMatch, RequestIds.of(request),
                (start, length) -> ArtifactBodies.of(artifacts, jobId, meta, start, length));
    }
}
