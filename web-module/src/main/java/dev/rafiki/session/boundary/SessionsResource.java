package dev.rafiki.session.boundary;

import dev.rafiki.budget.control.BudgetSettings;
import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.ReadAccess;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.session.boundary.Views.Page;
import dev.rafiki.session.boundary.Views.SessionView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Sessions of the caller: create, inspect, list, change, delete; their conversations are {@code ConversationsResource}'s. */
@Path("")
// one instance: request-scoped, it built its settings holder (config lookups included) per request
@ApplicationScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "sessions")
public class SessionsResource {

    @Inject
    Sessions sessions;

    @Inject
    Event<SessionDeleting> deleting;

    @Inject
    CurrentCaller caller;

    @Inject
    BudgetSettings budgets;

    @POST
    @Path("session")
    @Consumes(MediaType.APPLICATION_JSON)
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
        var metadata = Bodies.metadata(json);
        var created = sessions.create(owner(), title, model, agent, agentVersion, metadata);
        return Response.created(URI.create("/session/" + created.id())).entity(created).build();
    }

    @GET
    @Path("usage")
    @Operation(summary = "The caller's usage totals", description = "from=&to= (ISO dates, or RFC 3339 times at "
            + "00:00 UTC; to exclusive, default the end of today) add window: what was spent in those UTC days, at "
            + "most rafiki.usage.max-window-days. Administrators may pass owner=<user>.")
    @APIResponse(responseCode = "200", description = "totals", content = @Content(mediaType = "application/json", schema = @Schema(ref = "UserUsage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public Views.UserUsage usage(@QueryParam("owner") String owner, @QueryParam("from") String from,
                                 @QueryParam("to") String to) {
        var window = dev.rafiki.budget.control.UsageWindow.parse(from, to,
                dev.rafiki.budget.control.BudgetWindow.day(java.time.Instant.now()), budgets.maxUsageWindowDays);
        return sessions.usage(readerOf(owner), window);
    }

    @GET
    @Path("sessions")
    @Operation(summary = "The caller's sessions, newest first", description = "Cursor pagination: pass next_cursor as after; "
            + "order=asc lists oldest first. q=<text> keeps the sessions whose title contains it (ignoring case); "
            + "status=idle|running|stopped; updated_since=<RFC 3339 time>; metadata.<key>=<value> keeps those whose "
            + "metadata has that key with that string value (up to 10). Administrators may pass owner=<user>.")
    @APIResponse(responseCode = "200", description = "a page of sessions", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public Page<SessionView> list(@QueryParam("after") String after, @QueryParam("limit") String limit,
                                  @QueryParam("owner") String owner, @QueryParam("q") String search,
                                  @QueryParam("order") String order, @QueryParam("status") String status,
                                  @QueryParam("updated_since") String updatedSince, @Context UriInfo uri) {
        var page = PageRequest.of(limit, order, true);
        var cursor = after == null || after.isBlank() ? null : Bodies.uuid(after, "after");
        var filter = new Sessions.SessionFilter(Bodies.queryText(search, "q", 200), status(status), instant(updatedSince),
                metadataFilter(uri.getQueryParameters()), page.descending());
        return sessions.list(readerOf(owner), filter, cursor, page.limit());
    }

    @PATCH
    @Path("session/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a session's title or metadata", description = "Give title and/or metadata; "
            + "null clears one; metadata is replaced as a whole. Prompts running meanwhile are not disturbed.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionPatch")))
    @APIResponse(responseCode = "200", description = "the session as changed", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public SessionView update(@PathParam("id") String id, JsonValue body) {
        var json = Bodies.required(body);
        for (var field : json.keySet()) {
            if (!Set.of("title", "metadata").contains(field)) {
                throw ApiException.invalid("'" + field + "' cannot be changed; PATCH takes title, metadata");
            }
        }
        if (json.isEmpty()) {
            throw ApiException.invalid("nothing to change; PATCH takes title, metadata");
        }
        var metadata = Bodies.metadata(json);
        return sessions.update(owner(), sessionId(id), Bodies.string(json, "title", false, 500),
                json.containsKey("title") && json.isNull("title"), metadata,
                json.containsKey("metadata") && json.isNull("metadata"));
    }

    private static String status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        if (!Sessions.SessionFilter.STATUSES.contains(status.strip())) {
            throw ApiException.invalid("'status' must be one of idle, running, stopped");
        }
        return status.strip();
    }

    private static java.time.Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text.strip()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.invalid("'updated_since' must be an RFC 3339 time such as 2026-12-01T10:00:00Z");
        }
    }

    private static Map<String, String> metadataFilter(MultivaluedMap<String, String> query) {
        var filter = new java.util.LinkedHashMap<String, String>();
        for (var entry : query.entrySet()) {
            if (!entry.getKey().startsWith("metadata.")) {
                continue;
            }
            var key = Bodies.queryText(entry.getKey().substring("metadata.".length()), "a metadata key", 200);
            if (key == null || entry.getValue().size() != 1) {
                throw ApiException.invalid("metadata.<key>=<value>: a key, once, with one value");
            }
            filter.put(key, java.util.Objects.requireNonNullElse(Bodies.queryText(entry.getValue().get(0), "metadata." + key, 1000), ""));
        }
        if (filter.size() > 10) {
            throw ApiException.invalid("at most 10 metadata filters");
        }
        return filter;
    }

    @GET
    @Path("session/{id}")
    @Operation(summary = "A session's state")
    @APIResponse(responseCode = "200", description = "the session", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public SessionView get(@PathParam("id") String id) {
        var session = sessionId(id);
        return sessions.get(reader(session), session);
    }

    @GET
    @Path("session/{id}/state")
    @Operation(summary = "A session's state (alias of GET /session/{id})")
    @APIResponse(responseCode = "200", description = "the session", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SessionView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public SessionView state(@PathParam("id") String id) {
        return get(id);
    }

    @DELETE
    @Path("session/{id}")
    @Operation(summary = "Delete a session with everything in it", description = "Its running prompt is cancelled and "
            + "its queue cleared first; then the session goes with its prompts, messages, events, workspace, the jobs "
            + "that ran in it (with their artifacts and webhook deliveries) and the schedules bound to it.")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response delete(@PathParam("id") String id) {
        var session = sessionId(id);
        // its prompts end first, committed (its waiting client gets the cancelled prompt)
        deleting.fire(new SessionDeleting(owner(), session));
        sessions.delete(owner(), session);
        return Response.noContent().build();
    }

    private String owner() {
        return caller.subject();
    }

    /**
     * Whose data a read is about: the caller's own; an administrator (group {@code admin}) reads
     * any session as its owner. Changes are always the caller's own.
     */
    private String reader(java.util.UUID session) {
        return ReadAccess.reader(owner(), caller.admin(), session, sessions::ownerOf);
    }

    private String readerOf(String requested) {
        return ReadAccess.readerOf(owner(), caller.admin(), requested);
    }

    private static java.util.UUID sessionId(String id) {
        return Bodies.pathId(id, "session");
    }
}
