package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.http.CurrentCaller;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.RequestIds;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.log.LogFields;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.control.PromptSettings;
import dev.rafiki.session.boundary.Views.PromptView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /query}: run a prompt and answer with its result. The request holds no thread
 * while the prompt waits and runs; a caller that stops waiting does not cancel the prompt, and
 * after the wait limit the answer is {@code 202} with where to find the result.
 */
@Path("query")
// one instance: a request-scoped resource was created and injected (config lookups included) per request
@ApplicationScoped
@RolesAllowed(Roles.USER)
@Tag(name = "query")
public class QueryResource {

    private static final Logger LOG = Logger.getLogger(QueryResource.class.getName());

    @Inject
    PromptStarts starts;

    @Inject
    CurrentCaller caller;

    @Inject
    PromptSettings settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a prompt and answer with its result", description = "Headers: Idempotency-Key; Prefer: respond-async or wait=N.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "QueryRequest")))
    @APIResponse(responseCode = "200", description = "the prompt ended", content = @Content(mediaType = "application/json", schema = @Schema(ref = "QueryResult")))
    @APIResponse(responseCode = "202", description = "still queued or running; Location and result_url say where to look", content = @Content(mediaType = "application/json", schema = @Schema(ref = "QueryResult")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    @APIResponse(ref = "Conflict", responseCode = "409")
    @APIResponse(ref = "PayloadTooLarge", responseCode = "413")
    @APIResponse(ref = "UnsupportedMediaType", responseCode = "415")
    public void query(JsonValue body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                      @HeaderParam("Prefer") String prefer, @Context HttpServletRequest http,
                      @Suspended AsyncResponse response) {
        var request = PromptRequests.parse(caller.subject(), Bodies.required(body), idempotencyKey, settings.maxLength);
        long wait = waitSeconds(prefer, settings.queryWaitSeconds);
        var requestId = RequestIds.of(http);
        var handle = starts.start(request);
        handle.accepted().whenComplete((accepted, failure) -> {
            if (failure != null) {
                response.resume(unwrap(failure));
                return;
            }
            var replayed = accepted.replayed();
            var prompt = Prompts.view(accepted);
            // the one line that ties the request id to the session and prompt ids of the worker's lines
            LogFields.log(LOG, Level.INFO, replayed ? "prompt replayed" : "prompt accepted", null,
                    LogFields.REQUEST_ID, requestId, LogFields.SESSION_ID, prompt.sessionId(),
                    LogFields.PROMPT_ID, prompt.id());
            if (prompt.terminal()) {
                response.resume(result(prompt, replayed));
                return;
            }
            if (wait == 0) {
                response.resume(stillRunning(prompt, replayed));
                return;
            }
            response.setTimeout(wait, TimeUnit.SECONDS);
            response.setTimeoutHandler(r -> r.resume(stillRunning(prompt, replayed)));
            handle.finished().whenComplete((finished, error) -> {
                if (error != null) {
                    response.resume(unwrap(error));
                } else if (finished == null) {
                    response.resume(ApiException.notFound("prompt " + prompt.id()));
                } else if (!finished.terminal()) {
                    // it waits for a person's decision on a tool call: where to look, at once
                    response.resume(stillRunning(Prompts.view(finished), replayed));
                } else {
                    response.resume(result(Prompts.view(finished), replayed));
                }
            });
        });
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    /**
     * RFC 7240 preferences: {@code respond-async} answers 202 as soon as the prompt is accepted,
     * {@code wait=N} waits at most N seconds (never longer than the configured limit).
     */
    static long waitSeconds(String prefer, long limit) {
        if (prefer == null) {
            return limit;
        }
        long wait = limit;
        for (var preference : prefer.split(",")) {
            var token = preference.strip().toLowerCase(java.util.Locale.ROOT);
            if (token.equals("respond-async")) {
                return 0;
            }
            if (token.startsWith("wait=")) {
                try {
                    wait = Math.max(0, Math.min(limit, Long.parseLong(token.substring(5).strip())));
                } catch (NumberFormatException ignored) {
                    // an unusable preference is ignored, as RFC 7240 asks
                }
            }
        }
        return wait;
    }

    static Response result(PromptView prompt, boolean replayed) {
        var builder = Response.ok(QueryResult.of(prompt, null));
        if (replayed) {
            builder.header("Idempotent-Replayed", "true");
        }
        return builder.build();
    }

    static Response stillRunning(PromptView prompt, boolean replayed) {
        var location = URI.create("/session/" + prompt.sessionId() + "/prompts/" + prompt.id());
        var builder = Response.accepted(QueryResult.of(prompt, location.toString())).location(location);
        if (replayed) {
            builder.header("Idempotent-Replayed", "true");
        }
        return builder.build();
    }
}
