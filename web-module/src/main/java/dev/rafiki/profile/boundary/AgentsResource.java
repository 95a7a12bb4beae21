package dev.rafiki.profile.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Agent profiles: the caller's own and the shared ones; every change is a new version. */
@Path("agents")
@RequestScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "agents")
public class AgentsResource {

    @Inject
    AgentProfiles profiles;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an agent profile (version 1)", description = "shared: true is for administrators.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentRequest")))
    @APIResponse(responseCode = "201", description = "created, with Location", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public Response create(JsonValue body) {
        var created = profiles.create(caller.subject(), admin(), Bodies.required(body));
        return Response.created(URI.create("/agents/" + created.id())).entity(created).build();
    }

    @GET
    @Operation(summary = "The caller's agents and the shared ones, oldest first", description = "Cursor pagination: "
            + "pass next_cursor as after; order=desc lists newest first.")
    @APIResponse(responseCode = "200", description = "a page of agents (their latest versions)", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public AgentProfiles.Page list(@QueryParam("after") String after, @QueryParam("limit") String limit,
                                   @QueryParam("order") String order) {
        var page = PageRequest.of(limit, order, false);
        var cursor = after == null || after.isBlank() ? null : Bodies.uuid(after, "after");
        return profiles.list(caller.subject(), cursor, page.descending(), page.limit());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "An agent's latest version")
    @APIResponse(responseCode = "200", description = "the agent", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public ProfileView get(@PathParam("id") String id) {
        return profiles.get(caller.subject(), agentId(id));
    }

    @GET
    @Path("{id}/versions/{version}")
    @Operation(summary = "One version of an agent", description = "Also of a deleted agent, for the sessions pinned to it.")
    @APIResponse(responseCode = "200", description = "the version", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public ProfileView version(@PathParam("id") String id, @PathParam("version") String version) {
        if (!version.matches("[1-9][0-9]{0,8}")) {
            throw ApiException.notFound("agent " + id + " version " + version);
        }
        return profiles.version(caller.subject(), agentId(id), Integer.parseInt(version));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an agent's definition: a new version", description = "Sessions pinned to an older version keep it.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentRequest")))
    @APIResponse(responseCode = "200", description = "the new version", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AgentView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public ProfileView replace(@PathParam("id") String id, JsonValue body) {
        return profiles.replace(caller.subject(), admin(), agentId(id), Bodies.required(body));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Hide an agent from new sessions and prompts", description = "Sessions pinned to it keep running with their version.")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response delete(@PathParam("id") String id) {
        profiles.delete(caller.subject(), admin(), agentId(id));
        return Response.noContent().build();
    }

    private boolean admin() {
        return caller.admin();
    }

    private static UUID agentId(String id) {
        return Bodies.pathId(id, "agent");
    }
}
