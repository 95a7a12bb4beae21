package dev.rafiki.auth.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.StreamTokens;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.session.boundary.Sessions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /session/{id}/stream-token}: the session's owner gets a short-lived token that can
 * only follow that session ({@code /ws}, {@code /events}, {@code /session/{id}/events} with
 * {@code access_token}), to hand to a browser instead of the user's own token.
 */
@Path("session/{id}/stream-token")
@RequestScoped
@RolesAllowed(Roles.USER)
@Tag(name = "streams")
public class StreamTokensResource {

    @Inject
    StreamTokens tokens;

    @Inject
    Sessions sessions;

    @Inject
    CurrentCaller caller;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a stream token for one session",
            description = "A token (`rafiki.stream-token.ttl-seconds`, default 5 minutes) that only subscribes to this "
                    + "session's events, passed as `access_token` on GET /ws, /events or /session/{id}/events. "
                    + "Refused by every other route.")
    @APIResponse(responseCode = "200", description = "the token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "StreamToken")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public StreamToken issue(@PathParam("id") String id) {
        var sessionId = Bodies.pathId(id, "session");
        sessions.owned(caller.subject(), sessionId);
        return StreamToken.issue(tokens, caller.subject(), sessionId, null);
    }
}
