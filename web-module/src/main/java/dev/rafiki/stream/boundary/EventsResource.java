package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.EventSettings;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.stream.control.StreamTargets;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Events over Server-Sent Events ({@code GET /events}: one session, or all of the caller's
 * activity) and as pages of JSON ({@code GET /session/{id}/events}). The SSE id of each event is
 * its cursor; {@code Last-Event-ID} (or {@code after}) resumes after it, exactly once. A stream
 * opens with an id alone, the cursor it starts after.
 */
@Path("")
// one instance: request-scoped, it built its settings holder (config lookups included) per request
@ApplicationScoped
@RolesAllowed(Roles.USER)
@Tag(name = "streams")
public class EventsResource {

    @Inject
    EventHub hub;

    @Inject
    EventLog log;

    @Inject
    StreamTargets targets;

    @Inject
    BearerTokens tokens;

    @Inject
    dev.rafiki.platform.edge.OpenStreams streams;

    @Inject
    StreamConnections connections;

    @Inject
    EventSettings events;

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @PermitAll // a browser's EventSource cannot send the header: it may pass access_token instead
    @Operation(summary = "Server-Sent Events of a session, a job, or all the caller's activity", description = "The SSE id is the cursor: Last-Event-ID or after resumes. Browsers pass a user or stream token as access_token.")
    @APIResponse(responseCode = "200", description = "the event stream", content = @Content(mediaType = "text/event-stream"))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public void stream(@QueryParam("session_id") String sessionId, @QueryParam("job_id") String jobId,
                       @QueryParam("after") String after, @HeaderParam("Last-Event-ID") String lastEventId,
                       @QueryParam("access_token") String accessToken, @Context SecurityContext security,
                       @Context SseEventSink sink, @Context Sse sse) {
        var who = caller(security, accessToken);
        var owner = who.subject();
        var target = targets.resolve(who, new StreamTargets.Selection(sessionId, jobId, false));
        var key = target.key();
        var cursorText = lastEventId != null && !lastEventId.isBlank() ? lastEventId : after;
        long cursor = cursorText == null || cursorText.isBlank() ? targets.current(key) : cursor(cursorText);
        if (!streams.open(owner)) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.TOO_MANY_STREAMS,
                    "at most " + streams.maxPerUser() + " open streams per user");
        }
        var released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                streams.close(owner);
            }
        };
        var subscription = new Subscription(key, cursor, events.subscriberBuffer, target::wants) {
            @Override
            protected void transmit(StoredEvent event) throws Exception {
                if (sink.isClosed()) {
                    release.run();
                    throw new IllegalStateException("the client went away");
                }
                try {
                    send(event);
                } catch (Exception gone) {
                    release.run();
                    throw gone;
                }
            }

            private void send(StoredEvent event) throws Exception {
                sink.send(sse.newEventBuilder()
                        .id(Long.toString(key.cursorOf(event)))
                        .name(event.type())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(String.class, event.frame(null))
                        .build()).toCompletableFuture().get();
            }

            /** A client this far behind cannot be told anything: the stream ends; its last id is its cursor. */
            @Override
            protected void overflowed(long resumeAfter) {
                release.run();
                hub.unsubscribe(this);
                closeQuietly(sink);
            }

            @Override
            protected void keepAlive() throws Exception {
                try {
                    sink.send(sse.newEventBuilder().comment("keep-alive").build()).toCompletableFuture().get();
                } catch (Exception gone) {
                    release.run();
                    throw gone;
                }
            }
        };
        try {
            // first, the cursor the stream starts after, as an id without data: it dispatches no
            // event (WHATWG SSE), but a client that started "from now" knows where to resume from
            // even if the connection drops before the first event
            sink.send(sse.newEventBuilder().id(Long.toString(cursor)).data(String.class, "").build())
                    .toCompletableFuture().get();
        } catch (Exception gone) {
            release.run();
            closeQuietly(sink);
            return;
        }
        connections.opened(StreamConnections.SSE, () -> !subscription.closed());
        hub.subscribe(subscription, cursor);
    }

    /** The log itself, page by page: what a client missed, without holding a stream open. */
    @GET
    @Path("session/{id}/events")
    @Produces(MediaType.APPLICATION_JSON)
    @PermitAll // like /events: a browser may page with a stream token in access_token
    @Operation(summary = "A session's events as JSON pages")
    @APIResponse(responseCode = "200", description = "a page of events", content = @Content(mediaType = "application/json", schema = @Schema(ref = "EventPage")))
    @APIResponse(ref = "BadRequest", responseCode = "400")
    @APIResponse(ref = "NotFound", responseCode = "404")
    public JsonObject page(@PathParam("id") String id, @QueryParam("after") String after,
                           @QueryParam("limit") String limit, @QueryParam("access_token") String accessToken,
                           @Context SecurityContext security) {
        var who = caller(security, accessToken);
        var sessionId = targets.resolve(who, new StreamTargets.Selection(id, null, false)).key().sessionId();
        long cursor = after == null || after.isBlank() ? 0 : cursor(after);
        int size = Bodies.limit(limit, 200, 1000);
        var events = log.sessionEvents(sessionId, cursor, Long.MAX_VALUE, size + 1);
        var items = Json.createArrayBuilder();
        events.stream().limit(size).forEach(e -> items.add(e.toJson(false)));
        var page = Json.createObjectBuilder().add("items", items);
        if (events.size() > size) {
            page.add("next_cursor", Long.toString(events.get(size - 1).seq()));
        }
        return page.build();
    }

    /**
     * The bearer header's caller, else the access_token's (a user token, or a stream token for one
     * session), by the rules of every route: without a valid token 401, without the user group 403.
     */
    private BearerTokens.Caller caller(SecurityContext security, String accessToken) {
        var credentials = tokens.of(security.getUserPrincipal(), accessToken);
        if (!credentials.valid()) {
            throw new NotAuthorizedException("Bearer");
        }
        if (!credentials.caller().user()) {
            throw new ForbiddenException("the token does not grant this");
        }
        return credentials.caller();
    }

    static long cursor(String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("the cursor must be an event number from this stream");
        }
    }

    private static void closeQuietly(SseEventSink sink) {
        try {
            sink.close();
        } catch (Exception ignored) {
            // EE 11 declares IOException; the client may be gone already
        }
    }
}
