package dev.rafiki.job.boundary;

import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.link.control.SignedLinks;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.Downloads;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.problem.ApiException;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An artifact behind a signed link, open without a token: the signature is checked before
 * anything is looked up, then the artifact is served exactly as its token route serves it.
 */
@Path("signed/jobs/{id}/artifacts/{name}")
@RequestScoped
@PermitAll
@Tag(name = "links")
public class SignedArtifactDownloads {

    @Inject
    SignedLinks links;

    @Inject
    ArtifactStore artifacts;

    @Context
    HttpServletRequest request;

    @GET
    @APIResponse(ref = "LinkInvalid", responseCode = "403")
    @APIResponse(ref = "LinkExpired", responseCode = "410")
    @APIResponse(ref = "NotFound", responseCode = "404")
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
