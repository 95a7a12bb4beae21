package dev.rafiki.platform.http;

import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.platform.problem.Problems;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one way Rafiki hands out content an agent or a user put there (artifacts, workspace files,
 * with a token or a signed link): conditional GET by a strong ETag (the SHA-256), one byte range
 * (RFC 9110), and headers that keep a browser from rendering it as part of Rafiki's origin. One
 * place, so that artifacts and files cannot drift apart in what they let a browser do.
 */
public final class Downloads {

    private Downloads() {
    }

    /** What is served: its name for the browser, media type, size and SHA-256. */
    public record Content(String filename, String contentType, long size, String sha256) {
        String etag() {
            return "\"" + sha256 + "\"";
        }
    }

    /** Writes {@code length} bytes from {@code start}. */
    @FunctionalInterface
    public interface Body {
        StreamingOutput from(long start, long length);
    }

    public static Response answer(Content content, String range, String ifRange, String ifNoneMatch, String requestId,
                                  Body body) {
        var etag = content.etag();
        if (ifNoneMatch != null && ByteRange.matches(ifNoneMatch, etag)) {
            return Response.notModified().header("ETag", etag).header("Cache-Control", "private, no-cache").build();
        }
        ByteRange wanted = null;
        if (range != null && (ifRange == null || ifRange.strip().equals(etag))) {
            try {
                wanted = ByteRange.parse(range, content.size());
            } catch (ByteRange.Unsatisfiable e) {
                return Response.fromResponse(Problems.response(ErrorCode.RANGE_NOT_SATISFIABLE,
                                "the range " + range + " lies outside the content's " + content.size() + " bytes",
                                requestId, Map.of("size", content.size())))
                        .header("Content-Range", "bytes */" + content.size()).build();
            }
        }
        long start = wanted == null ? 0 : wanted.first();
        long length = wanted == null ? content.size() : wanted.length();
        var builder = Response.status(wanted == null ? 200 : 206)
                .entity(body.from(start, length))
                .type(content.contentType())
                .header("Content-Length", length)
                .header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "private, no-cache")
                // what an agent produced is never rendered as part of this origin
                .header("Content-Disposition", disposition(content.filename()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'");
        if (wanted != null) {
            builder.header("Content-Range", "bytes " + wanted.first() + "-" + wanted.last() + "/" + content.size());
        }
        return builder.build();
    }

    /**
     * {@code attachment} with an ASCII fallback name (quotes, backslashes and controls replaced, so a
     * name cannot end the parameter or the header) and the exact name as RFC 8187 {@code filename*}.
     */
    static String disposition(String filename) {
        var ascii = new StringBuilder();
        filename.codePoints().forEach(c -> ascii.append(c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : (char) c));
        var encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
