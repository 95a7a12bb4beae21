package dev.rafiki.session.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.link.control.SignedLinks;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.platform.problem.Problems;
import dev.rafiki.workspace.boundary.FileDownloads;
import dev.rafiki.workspace.control.WorkspaceFiles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A session's workspace files over HTTP: list, upload, download, delete, and signed links. Reads
 * follow the session routes' rule (the owner; an administrator reads anyone's); changes and links
 * are the owner's only. Paths follow the tools' rule ({@link WorkspaceFiles}).
 */
@Path("session/{id}/files")
@RequestScoped
@RolesAllowed(Roles.USER)
@Tag(name = "files")
public class FilesResource {

    private static final String LINK = "/link";

    @Inject
    WorkspaceFiles files;

    @Inject
    Sessions sessions;

    @Inject
    SignedLinks links;

    @Inject
    CurrentCaller caller;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uri;

    public record FileList(@Schema(required = true) java.util.List<WorkspaceFiles.FileEntry> items, long usedBytes, long quotaBytes,
                           @Schema(description = "true when directories deeper than 64 were left out") boolean truncated,
                           @Schema(description = "absent on the last page; pass as after") String nextCursor) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(ref = "NotFound", responseCode = "404")
    @Operation(summary = "The workspace's files", description = "Every regular file with its path, size, SHA-256 "
            + "and modification time, sorted by path (order=desc: backwards); used_bytes and quota_bytes. Cursor "
            + "pagination: pass next_cursor (a path) as after.")
    @APIResponse(responseCode = "200", description = "the files", content = @Content(mediaType = "application/json", schema = @Schema(ref = "FileList")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public FileList list(@PathParam("id") String id, @QueryParam("after") String after,
                         @QueryParam("limit") String limit, @QueryParam("order") String order) {
        var page = PageRequest.of(limit, order, false);
        var listing = files.page(readable(id), Bodies.queryText(after, "after", 4096), page.descending(), page.limit());
        return new FileList(listing.items(), listing.usedBytes(), listing.quotaBytes(), listing.truncated(),
                listing.nextCursor());
    }

    @GET
    @Path("{path: .+}")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "RangeNotSatisfiable", responseCode = "416")
    @Operation(summary = "Download a workspace file", description = "As an artifact: ETag (SHA-256), one Range, "
            + "Content-Disposition: attachment, nosniff, CSP sandbox.")
    @APIResponse(responseCode = "200", description = "the content")
    public Response download(@PathParam("id") String id, @PathParam("path") String path,
                             @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange,
                             @HeaderParam("If-None-Match") String ifNoneMatch) {
        return FileDownloads.answer(files.open(readable(id), path), range, ifRange, ifNoneMatch, RequestIds.of(request));
    }

    @PUT
    @Path("{path: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @Operation(summary = "Upload a file into the workspace", description = "Any media type, streamed to disk; at "
            + "most rafiki.files.max-upload-bytes (413 payload-too-large), within rafiki.files.quota-bytes "
            + "(413 quota-exceeded); replaces a file at that path in one atomic rename. 400 path-not-allowed "
            + "for paths the tools refuse.")
    @APIResponse(responseCode = "201", description = "stored", content = @Content(mediaType = "application/json", schema = @Schema(ref = "FileEntry")))
    public Response upload(@PathParam("id") String id, @PathParam("path") String path, InputStream body) {
        var session = owned(id);
        try {
            var stored = files.store(session, path, body, request.getContentLengthLong());
            return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON_TYPE).entity(stored).build();
        } catch (ApiException e) {
            // The rest of the body may be unread: the connection must not carry it into the
            // client's next request (see the edge filter's problem())
            return Response.fromResponse(Problems.response(e.code(), e.getMessage(), RequestIds.of(request), e.extensions()))
                    .header("Connection", "close").build();
        }
    }

    @DELETE
    @Path("{path: .+}")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @Operation(summary = "Delete a workspace file")
    @APIResponse(responseCode = "204", description = "deleted")
    public Response delete(@PathParam("id") String id, @PathParam("path") String path) {
        files.delete(owned(id), path);
        return Response.noContent().build();
    }

    @POST
    @Path("{path: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(ref = "NotFound", responseCode = "404")
    @Operation(summary = "A signed link to a workspace file: POST /session/{id}/files/{path}/link",
            description = "Body optional: expires_in (seconds). Answers url and expires_at; the url opens the file "
                    + "without a token until then.")
    @APIResponse(responseCode = "201", description = "the link", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SignedLink")))
    public Response link(@PathParam("id") String id, @PathParam("path") String pathAndLink, JsonValue body) {
        if (!pathAndLink.endsWith(LINK)) {
            // a file itself is read, replaced or deleted; only its link is made with POST
            return Response.fromResponse(Problems.response(ErrorCode.METHOD_NOT_ALLOWED, "a file answers GET, PUT and "
                    + "DELETE; POST makes a link at …/link", RequestIds.of(request), java.util.Map.of()))
                    .header("Allow", "GET, PUT, DELETE").build();
        }
        var session = owned(id);
        var file = files.open(session, pathAndLink.substring(0, pathAndLink.length() - LINK.length()));
        var link = links.create(uri.getBaseUri(), "/session/" + session + "/files/" + file.entry().path(),
                SignedLinks.expiresIn(body));
        return Response.status(Response.Status.CREATED).entity(link).build();
    }

    private UUID readable(String id) {
        var session = Bodies.pathId(id, "session");
        sessions.readable(caller.subject(), caller.admin(), session);
        return session;
    }

    private UUID owned(String id) {
        var session = Bodies.pathId(id, "session");
        sessions.owned(caller.subject(), session);
        return session;
    }
}
