package dev.rafiki.auth.boundary;

import dev.rafiki.platform.http.StreamTokens;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A stream token as a client gets it: the token, when it expires, and the session it is good for. */
public record StreamToken(@Schema(required = true) String token, @Schema(required = true, example = "Bearer") String tokenType,
                          @Schema(required = true) Instant expiresAt, @Schema(required = true, format = "uuid") String sessionId,
                          @Schema(description = "seconds") long expiresIn) {

    /** A token for the caller's session, or for one job of it ({@code jobId} not null). */
    public static StreamToken issue(StreamTokens tokens, String subject, UUID sessionId, UUID jobId) {
        if (!tokens.available()) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "stream tokens are not configured on this server");
        }
        var issued = tokens.issue(subject, sessionId, jobId);
        return new StreamToken(issued.token(), "Bearer", issued.expiresAt(), sessionId.toString(), tokens.ttlSeconds());
    }
}
