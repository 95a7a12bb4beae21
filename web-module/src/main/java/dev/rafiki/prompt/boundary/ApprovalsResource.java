package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.session.boundary.Views.ApprovalView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /session/{id}/prompts/{promptId}/approvals}: a person's decision on a tool call the prompt waits for. */
@Path("session/{id}/prompts/{promptId}/approvals")
@ApplicationScoped
@RolesAllowed(Roles.USER)
@Tag(name = "sessions")
public class ApprovalsResource {

    @Inject
    Prompts prompts;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve or deny a tool call the prompt waits for")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApprovalDecision")))
    @APIResponse(responseCode = "200", description = "the decision as recorded (also when this decision was already made)", content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApprovalView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public ApprovalView decide(@PathParam("id") String id, @PathParam("promptId") String promptId, JsonValue body) {
        return ApprovalBodies.decide(prompts, caller.subject(), Bodies.pathId(id, "session"),
                Bodies.pathId(promptId, "prompt"), Bodies.required(body));
    }
}
