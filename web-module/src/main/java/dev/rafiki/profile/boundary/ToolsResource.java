package dev.rafiki.profile.boundary;

import dev.rafiki.platform.http.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tools an agent profile may name: built-in, and those of the MCP servers the operator registered. */
@Path("tools")
@RequestScoped
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "agents")
public class ToolsResource {

    @Inject
    AgentProfiles profiles;

    @GET
    @Operation(summary = "The tools a profile's tools list may name",
            description = "Built-in tools, then MCP tools as <server>.<tool>, as known now (a server that cannot be reached "
                    + "lists the tools it was last seen with).")
    @APIResponse(responseCode = "200", description = "the tools", content = @Content(mediaType = "application/json", schema = @Schema(ref = "ToolList")))
    public ToolView.Page list() {
        return profiles.tools();
    }
}
