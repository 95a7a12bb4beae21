package dev.rafiki.auth.boundary;

import dev.rafiki.platform.http.StreamTokens;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.time.Instant;
import java.util.UUID;

/** A stream token as a client gets it: the token, when it expires, and the session it is good for. */
public record StreamToken(String token, String tokenType, Instant expiresAt, String sessionId, long expiresIn) {

    /** A token for the caller's session, or for one job of it ({@code jobId} not null). */
    public static StreamToken issue(StreamTokens tokens, String subject, UUID sessionId, UUID jobId) {
        if (!tokens.available()) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "stream tokens are not configured on this server");
        }
        var issued = tokens.issue(subject, sessionId, jobId);
        return new StreamToken(issued.token(), "Bearer", issued.expiresAt(), sessionId.toString(), tokens.ttlSeconds());
    }
}
