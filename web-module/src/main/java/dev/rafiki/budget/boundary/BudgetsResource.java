package dev.rafiki.budget.boundary;

import dev.rafiki.budget.boundary.BudgetViews.BudgetPage;
import dev.rafiki.budget.boundary.BudgetViews.BudgetView;
import dev.rafiki.budget.control.BudgetWindow;
import dev.rafiki.budget.control.UsageCounters;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.PageRequest;
import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** For operators: the token and tool-time budgets of users and agent profiles. */
@Path("admin/budgets")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class BudgetsResource {

    @Inject
    Budgets budgets;

    @Inject
    CurrentCaller caller;

    @GET
    @Operation(summary = "Every budget (admin group)", description = "Agents' then users', by subject. Cursor pagination: "
            + "pass next_cursor as after; order=desc reads the list backwards; scope=user or scope=agent narrows the list.")
    @APIResponse(responseCode = "200", description = "a page of budgets", content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    public BudgetPage list(@QueryParam("scope") String scope, @QueryParam("after") String after,
                           @QueryParam("limit") String limit, @QueryParam("order") String order) {
        if (scope != null && !scope.equals(UsageCounters.USER) && !scope.equals(UsageCounters.AGENT)) {
            throw ApiException.invalid("'scope' must be user or agent");
        }
        var page = PageRequest.of(limit, order, false);
        return budgets.list(scope, after == null || after.isBlank() ? null : after, page.descending(), page.limit());
    }

    @PUT
    @Path("users/{user}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a user's budget (admin group)", description = "Replaces the user's budget, if any.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetRequest")))
    @APIResponse(responseCode = "200", description = "the budget, with what was spent in its current window", content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public BudgetView setForUser(@PathParam("user") String user, JsonValue body) {
        return budgets.setForUser(user(user), limits(Bodies.required(body)), caller.subject());
    }

    @GET
    @Path("users/{user}")
    @Operation(summary = "A user's budget (admin group)")
    @APIResponse(responseCode = "200", description = "the budget, with what was spent in its current window", content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public BudgetView getForUser(@PathParam("user") String user) {
        return budgets.get(UsageCounters.USER, user(user));
    }

    @DELETE
    @Path("users/{user}")
    @Operation(summary = "Lift a user's budget (admin group)", description = "The operator's default, if configured, applies again.")
    @APIResponse(responseCode = "204", description = "lifted")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response deleteForUser(@PathParam("user") String user) {
        budgets.delete(UsageCounters.USER, user(user));
        return Response.noContent().build();
    }

    @PUT
    @Path("agents/{agent_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set an agent profile's budget (admin group)", description = "Counts every prompt that runs with "
            + "the profile, whoever sends it. Replaces the profile's budget, if any.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetRequest")))
    @APIResponse(responseCode = "200", description = "the budget, with what was spent in its current window", content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetView")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public BudgetView setForAgent(@PathParam("agent_id") String agentId, JsonValue body) {
        return budgets.setForAgent(agentId(agentId), limits(Bodies.required(body)), caller.subject());
    }

    @GET
    @Path("agents/{agent_id}")
    @Operation(summary = "An agent profile's budget (admin group)")
    @APIResponse(responseCode = "200", description = "the budget, with what was spent in its current window", content = @Content(mediaType = "application/json", schema = @Schema(ref = "BudgetView")))
    @APIResponse(ref = "NotFound", responseCode = "404")
    public BudgetView getForAgent(@PathParam("agent_id") String agentId) {
        return budgets.get(UsageCounters.AGENT, agentId(agentId).toString());
    }

    @DELETE
    @Path("agents/{agent_id}")
    @Operation(summary = "Lift an agent profile's budget (admin group)")
    @APIResponse(responseCode = "204", description = "lifted")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public Response deleteForAgent(@PathParam("agent_id") String agentId) {
        budgets.delete(UsageCounters.AGENT, agentId(agentId).toString());
        return Response.noContent().build();
    }

    static Budgets.Limits limits(JsonObject body) {
        var text = Bodies.string(body, "window", true, 16);
        var window = BudgetWindow.parse(text)
                .orElseThrow(() -> ApiException.invalid("'window' must be day or month"));
        var maxTokens = Bodies.nonNegativeLong(body, "max_tokens");
        var maxToolSeconds = Bodies.nonNegativeLong(body, "max_tool_seconds");
        if (maxTokens == null && maxToolSeconds == null) {
            throw ApiException.invalid("a budget needs 'max_tokens', 'max_tool_seconds' or both");
        }
        return new Budgets.Limits(window, maxTokens, maxToolSeconds);
    }

    private static String user(String user) {
        if (user.isBlank() || user.length() > 255) {
            throw ApiException.notFound("user " + user);
        }
        return user;
    }

    private static UUID agentId(String id) {
        return Bodies.pathId(id, "agent");
    }
}
