package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.ReadAccess;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.session.boundary.Sessions;
import dev.rafiki.session.boundary.Views.MessageView;
import dev.rafiki.session.boundary.Views.Page;
import dev.rafiki.session.boundary.Views.PromptView;
import dev.rafiki.session.boundary.Views.QueueView;
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
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A session's conversation: its history, its queue and prompts, stop, and forks. */
@Path("")
@RequestScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "sessions")
public class ConversationsResource {

    @Inject
    Conversations conversations;

    @Inject
    Prompts prompts;

    @Inject
    Sessions sessions;

    @Inject
    CurrentCaller caller;

    @POST
    @Path("session/{id}/fork")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fork a session", description = "A new session with this one's history up to and including "
            + "at_message_id (default: all of it) and a copy of its workspace; it shows forked_from. title and metadata "
            + "default to the source's. 409 session-busy while the source has a prompt queued, running or waiting for "
            + "approval; 400 when at_message_id falls between a tool call and its result; 404 when it names no "
            + "message of this session.")
    @RequestBody(required = false, content = @Content(mediaType = "application/json", schema = @Schema(ref = "ForkRequest")))
    @APIResponse(responseCode = "201", description = "the new session, with Location", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public Response fork(@PathParam("id") String id, JsonValue body) {
        var json = Bodies.optional(body);
        for (var field : json.keySet()) {
            if (!Set.of("at_message_id", "title", "metadata").contains(field)) {
                throw ApiException.invalid("unknown field '" + field + "'; a fork takes at_message_id, title, metadata");
            }
        }
        var created = conversations.fork(owner(), sessionId(id), Bodies.nonNegativeLong(json, "at_message_id"),
                Bodies.string(json, "title", false, 500), Bodies.metadata(json));
        return Response.created(URI.create("/session/" + created.id())).entity(created).build();
    }

    @GET
    @Path("session/{id}/messages")
    @Operation(summary = "A session's history, in order", description = "Cursor pagination: pass next_cursor as after; "
            + "order=desc reads it from the latest message back.")
    @APIResponse(responseCode = "200", description = "a page of messages", content = @Content(mediaType = "application/json", schema = @Schema(ref = "MessagePage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Page<MessageView> messages(@PathParam("id") String id, @QueryParam("after") String after,
                                      @QueryParam("limit") String limit, @QueryParam("order") String order) {
        var page = PageRequest.of(limit, order, false);
        boolean latestFirst = page.descending();
        long cursor = latestFirst ? Long.MAX_VALUE : 0;
        if (after != null && !after.isBlank()) {
            try {
                cursor = Long.parseLong(after.strip());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("'after' must be a message id from a previous page");
            }
        }
        var session = sessionId(id);
        return conversations.messages(reader(session), session, cursor, latestFirst, page.limit());
    }

    @GET
    @Path("session/{id}/queue")
    @Operation(summary = "The running prompt and the queued ones", description = "Not paginated: the queue holds at "
            + "most rafiki.session.max-queue prompts. order=desc lists the last queued first.")
    @APIResponse(responseCode = "200", description = "the queue", content = @Content(mediaType = "application/json", schema = @Schema(ref = "QueueView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public QueueView queue(@PathParam("id") String id, @QueryParam("order") String order) {
        boolean lastFirst = Bodies.descending(order, false);
        var session = sessionId(id);
        return conversations.queue(reader(session), session, lastFirst);
    }

    @DELETE
    @Path("session/{id}/queue/{promptId}")
    @Operation(summary = "Remove a prompt that has not started")
    @APIResponse(responseCode = "200", description = "the prompt, now cancelled", content = @Content(mediaType = "application/json", schema = @Schema(ref = "PromptView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    public PromptView dequeue(@PathParam("id") String id, @PathParam("promptId") String promptId) {
        return prompts.dequeue(owner(), sessionId(id), Bodies.pathId(promptId, "prompt"));
    }

    @GET
    @Path("session/{id}/prompts/{promptId}")
    @Operation(summary = "One prompt: status, answer, error, usage, timing")
    @APIResponse(responseCode = "200", description = "the prompt", content = @Content(mediaType = "application/json", schema = @Schema(ref = "PromptView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public PromptView prompt(@PathParam("id") String id, @PathParam("promptId") String promptId) {
        var session = sessionId(id);
        return prompts.get(reader(session), session, Bodies.pathId(promptId, "prompt"));
    }

    @POST
    @Path("session/{id}/stop")
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

    /** An administrator (group {@code admin}) reads any session as its owner; changes are always the caller's own. */
    private String reader(UUID session) {
        return ReadAccess.reader(owner(), caller.admin(), session, sessions::ownerOf);
    }

    private static UUID sessionId(String id) {
        return Bodies.pathId(id, "session");
    }
}
