package dev.rafiki.session.boundary;

import dev.rafiki.link.control.SignedLinks;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.problem.ApiException;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A workspace file behind a signed link, open without a token: the signature is checked before
 * anything is looked up, then the file is served exactly as its token route serves it.
 */
@Path("signed/session/{id}/files/{path: .+}")
@RequestScoped
@PermitAll
@Tag(name = "links")
public class SignedFileDownloads {

    @Inject
    SignedLinks links;

    @Inject
    WorkspaceFiles files;

    @Inject
    Sessions sessions;

    @Context
    HttpServletRequest request;

    @GET
    @APIResponse(ref = "LinkInvalid", responseCode = "403")
    @APIResponse(ref = "LinkExpired", responseCode = "410")
    @APIResponse(ref = "NotFound", responseCode = "404")
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
}
