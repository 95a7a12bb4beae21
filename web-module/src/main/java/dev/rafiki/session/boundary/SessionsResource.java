package dev.rafiki.session.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.boundary.Prompts;
import dev.rafiki.session.boundary.Views.MessageView;
import dev.rafiki.session.boundary.Views.Page;
import dev.rafiki.session.boundary.Views.PromptView;
import dev.rafiki.session.boundary.Views.QueueView;
import dev.rafiki.session.boundary.Views.SessionView;
import dev.rafiki.session.boundary.Views.StopResult;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Sessions of the caller: create, inspect, list, delete, read history, manage the queue, stop. */
@Path("")
@RequestScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "sessions")
public class SessionsResource {

    @Inject
    Sessions sessions;

    @Inject
    Prompts prompts;

    @Inject
    CurrentCaller caller;

    @POST
    @Path("session")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "Create a session")
    @RequestBody(required = false, content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionRequest")))
    @APIResponse(responseCode = "201", description = "created, with Location", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public Response create(JsonValue body) {
        var json = Bodies.optional(body);
        var title = Bodies.string(json, "title", false, 500);
        var model = Bodies.string(json, "model", false, 200);
        var agent = Bodies.string(json, "agent", false, 100);
        var agentVersion = Bodies.positiveInt(json, "agent_version");
        if (agentVersion != null && agent == null) {
            throw ApiException.invalid("'agent_version' needs 'agent'");
        }
        var metadata = Bodies.object(json, "metadata");
        if (metadata != null && metadata.toString().length() > 16_384) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.PAYLOAD_TOO_LARGE,
                    "'metadata' is larger than 16 KiB");
        }
        var created = sessions.create(owner(), title, model, agent, agentVersion, metadata);
        return Response.created(URI.create("/session/" + created.id())).entity(created).build();
    }

    @GET
    @Path("usage")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "The caller's usage totals", description = "Administrators may pass owner=<user>.")
    @APIResponse(responseCode = "200", description = "totals", content = @Content(mediaType = "application/json", schema = @Schema(ref = "UserUsage")))
    public Views.UserUsage usage(@QueryParam("owner") String owner) {
        return sessions.usage(readerOf(owner));
    }

    @GET
    @Path("sessions")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "The caller's sessions, oldest first", description = "Cursor pagination: pass next_cursor as after. "
            + "q=<text> keeps the sessions whose title contains it (ignoring case). Administrators may pass owner=<user>.")
    @APIResponse(responseCode = "200", description = "a page of sessions", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public Page<SessionView> list(@QueryParam("after") String after, @QueryParam("limit") String limit,
                                  @QueryParam("owner") String owner, @QueryParam("q") String search) {
        var cursor = after == null || after.isBlank() ? null : Bodies.uuid(after, "after");
        if (search != null && search.length() > 200) {
            throw ApiException.invalid("q: at most 200 characters");
        }
        if (search != null && search.indexOf('\u0000') >= 0) {
            // PostgreSQL refuses NUL in text: the client's error, never a 500
            throw ApiException.invalid("q must not contain the NUL character (\\u0000)");
        }
        return sessions.list(readerOf(owner), search == null || search.isBlank() ? null : search.strip(), cursor,
                Bodies.limit(limit, 50, 200));
    }

    @GET
    @Path("session/{id}")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "A session's state")
    @APIResponse(responseCode = "200", description = "the session", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public SessionView get(@PathParam("id") String id) {
        var session = sessionId(id);
        return sessions.get(reader(session), session);
    }

    @GET
    @Path("session/{id}/state")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "A session's state (alias of GET /session/{id})")
    @APIResponse(responseCode = "200", description = "the session", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public SessionView state(@PathParam("id") String id) {
        return get(id);
    }

    @DELETE
    @Path("session/{id}")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "Delete a session with its prompts and messages")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response delete(@PathParam("id") String id) {
        sessions.delete(owner(), sessionId(id));
        return Response.noContent().build();
    }

    @GET
    @Path("session/{id}/messages")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "A session's history, in order")
    @APIResponse(responseCode = "200", description = "a page of messages", content = @Content(mediaType = "application/json", schema = @Schema(ref = "MessagePage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Page<MessageView> messages(@PathParam("id") String id, @QueryParam("after") String after,
                                      @QueryParam("limit") String limit) {
        long cursor = 0;
        if (after != null && !after.isBlank()) {
            try {
                cursor = Long.parseLong(after.strip());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("'after' must be a message id from a previous page");
            }
        }
        var session = sessionId(id);
        return sessions.messages(reader(session), session, cursor, Bodies.limit(limit, 100, 500));
    }

    @GET
    @Path("session/{id}/queue")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "The running prompt and the queued ones")
    @APIResponse(responseCode = "200", description = "the queue", content = @Content(mediaType = "application/json", schema = @Schema(ref = "QueueView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public QueueView queue(@PathParam("id") String id) {
        var session = sessionId(id);
        return sessions.queue(reader(session), session);
    }

    @DELETE
    @Path("session/{id}/queue/{promptId}")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "Remove a prompt that has not started")
    @APIResponse(responseCode = "200", description = "the prompt, now cancelled", content = @Content(mediaType = "application/json", schema = @Schema(ref = "PromptView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    public PromptView dequeue(@PathParam("id") String id, @PathParam("promptId") String promptId) {
        return prompts.dequeue(owner(), sessionId(id), Bodies.pathId(promptId, "prompt"));
    }

    @GET
    @Path("session/{id}/prompts/{promptId}")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "One prompt: status, answer, error, usage, timing")
    @APIResponse(responseCode = "200", description = "the prompt", content = @Content(mediaType = "application/json", schema = @Schema(ref = "PromptView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public PromptView prompt(@PathParam("id") String id, @PathParam("promptId") String promptId) {
        var session = sessionId(id);
        return prompts.get(reader(session), session, Bodies.pathId(promptId, "prompt"));
    }

    @POST
    @Path("session/{id}/stop")
    @APIResponse(ref = "Unauthorized", responseCode = "401")
    @APIResponse(ref = "Forbidden", responseCode = "403")
    @APIResponse(ref = "TooManyRequests", responseCode = "429")
    @APIResponse(ref = "ServerError", responseCode = "500")
    @Operation(summary = "Cancel the running prompt, optionally every queued one")
    @APIResponse(responseCode = "200", description = "what was cancelled", content = @Content(mediaType = "application/json", schema = @Schema(ref = "StopResult")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public StopResult stop(@PathParam("id") String id, @QueryParam("clear_queue") String clearQueue) {
        boolean clear = clearQueue != null && (clearQueue.isEmpty() || Boolean.parseBoolean(clearQueue));
        return prompts.stop(owner(), sessionId(id), clear);
    }

    private String owner() {
        return caller.subject();
    }

    /**
     * Whose data a read is about: the caller's own; an administrator (group {@code admin}) reads
     * any session as its owner. Changes are always the caller's own.
     */
    private String reader(java.util.UUID session) {
        return caller.admin() ? sessions.ownerOf(session).orElse(owner()) : owner();
    }

    /** {@code ?owner=}: an administrator lists another user's data; anyone else only their own. */
    private String readerOf(String requested) {
        if (requested == null || requested.isBlank() || requested.equals(owner())) {
            return owner();
        }
        if (!caller.admin()) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.FORBIDDEN, "only administrators read other users' data");
        }
        return requested;
    }

    private static java.util.UUID sessionId(String id) {
        return Bodies.pathId(id, "session");
    }
}
