package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.stream.control.StreamTargets;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /ws}: subscribe to sessions and to the caller's whole activity, each from a cursor.
 * Client frames: {@code {"type":"subscribe","session_id":…,"after":n}},
 * {@code {"type":"subscribe","job_id":…,"after":n}} (the job's events, cursor of its session),
 * {@code {"type":"subscribe","scope":"user","after":n}}, {@code {"type":"unsubscribe",…}}.
 * Server frames: events (their {@code type} is the event type, {@code stream} says which cursor
 * applies), {@code subscribed}, {@code unsubscribed}, {@code error}.
 */
@ServerEndpoint(value = "/ws", configurator = OriginCheck.class)
public class EventSocket extends StreamSocket {

    @Inject
    StreamTargets targets;

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** The caller of the handshake, whose token says what this socket may follow. */
    private BearerTokens.Caller caller;

    public EventSocket() {
        super(StreamConnections.WS);
    }

    @Override
    void accepted(BearerTokens.Caller caller) {
        this.caller = caller;
    }

    @Override
    void receive(JsonObject frame) {
        switch (frame.getString("type", "")) {
            case "subscribe" -> subscribe(frame);
            case "unsubscribe" -> unsubscribe(frame);
            default -> sendError(ErrorCode.VALIDATION_FAILED, "type must be subscribe or unsubscribe");
        }
    }

    private void subscribe(JsonObject frame) {
        var target = target(frame);
        var key = target.key();
        var name = target.name();
        if (subscriptions.containsKey(name)) {
            throw ApiException.invalid("already subscribed to " + name);
        }
        long after = after(frame, () -> targets.current(key));
        var subscription = new Feed(key, after, target::wants, key.userWide() ? "user" : "session", "resume " + name) {
            @Override
            protected void keepAlive() throws Exception {
                send("{\"type\":\"keep-alive\"}");
            }
        };
        subscriptions.put(name, subscription);
        reply(Json.createObjectBuilder().add("type", "subscribed").add("subscription", name).add("after", after));
        hub.subscribe(subscription, after);
    }

    private void unsubscribe(JsonObject frame) {
        var name = target(frame).name();
        var subscription = subscriptions.remove(name);
        if (subscription != null) {
            hub.unsubscribe(subscription);
        }
        reply(Json.createObjectBuilder().add("type", "unsubscribed").add("subscription", name));
    }

    /** What a frame names: {@code session_id}, {@code job_id} or {@code "scope":"user"}; one of them is required. */
    private StreamTargets.Target target(JsonObject frame) {
        var scope = frame.getString("scope", null);
        if (scope != null && !"user".equals(scope)) {
            throw ApiException.invalid("scope must be \"user\"");
        }
        var selection = new StreamTargets.Selection(frame.getString("session_id", null), frame.getString("job_id", null),
                scope != null);
        if (selection.sessionId() == null && selection.jobId() == null && !selection.user()) {
            throw ApiException.invalid("give session_id, job_id, or scope \"user\"");
        }
        return targets.resolve(caller, selection);
    }

    @Override
    void release() {
        subscriptions.values().forEach(hub::unsubscribe);
        subscriptions.clear();
    }
}
