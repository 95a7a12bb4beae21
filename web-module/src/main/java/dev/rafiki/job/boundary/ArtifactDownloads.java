package dev.rafiki.job.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
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

    private static final int CHUNK = 1 << 20;

    @Inject
    Jobs jobs;

    @Inject
    ArtifactStore store;

    @Inject
    CurrentCaller caller;

    @Context
    HttpServletRequest request;

    @GET
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
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
        var meta = jobs.artifact(caller.subject(), jobId, name)
                .orElseThrow(() -> ApiException.notFound("artifact '" + name + "' of job " + jobId));
        var etag = "\"" + meta.sha256() + "\"";
        if (ifNoneMatch != null && ByteRange.matches(ifNoneMatch, etag)) {
            return Response.notModified().header("ETag", etag).header("Cache-Control", "private, no-cache").build();
        }
        ByteRange wanted = null;
        if (range != null && (ifRange == null || ifRange.strip().equals(etag))) {
            try {
                wanted = ByteRange.parse(range, meta.size());
            } catch (ByteRange.Unsatisfiable e) {
                return Response.fromResponse(Problems.response(ErrorCode.RANGE_NOT_SATISFIABLE,
                                "the range " + range + " lies outside the artifact's " + meta.size() + " bytes",
                                RequestIds.of(request), Map.of("size", meta.size())))
                        .header("Content-Range", "bytes */" + meta.size()).build();
            }
        }
        long start = wanted == null ? 0 : wanted.first();
        long length = wanted == null ? meta.size() : wanted.length();
        var builder = Response.status(wanted == null ? 200 : 206)
                .entity(body(jobId, meta, start, length))
                .type(meta.contentType())
                .header("Content-Length", length)
                .header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "private, no-cache")
                // what an agent produced is never rendered as part of this origin
                .header("Content-Disposition", "attachment; filename=\"" + meta.name() + "\"; filename*=UTF-8''" + meta.name())
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'");
        if (wanted != null) {
            builder.header("Content-Range", "bytes " + wanted.first() + "-" + wanted.last() + "/" + meta.size());
        }
        return builder.build();
    }

    private StreamingOutput body(UUID jobId, ArtifactStore.Meta meta, long start, long length) {
        return out -> {
            long position = start;
            long end = start + length;
            while (position < end) {
                int size = (int) Math.min(CHUNK, end - position);
                var chunk = store.read(jobId, meta.name(), meta.sha256(), position, size)
                        .orElseThrow(() -> new IOException("the artifact was replaced during the download"));
                if (chunk.length == 0) {
                    throw new IOException("the artifact is shorter than recorded");
                }
                out.write(chunk);
                position += chunk.length;
            }
        };
    }
}
