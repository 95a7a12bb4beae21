package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.job.boundary.Jobs;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.ReadAccess;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.session.boundary.Sessions;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Map;
import java.util.UUID;
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
    Sessions sessions;

    @Inject
    Jobs jobs;

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** An administrator may follow any user's session or job (never the whole activity of another user). */
    private boolean admin;
    /** Set for a stream token: the only session this socket may follow. */
    private UUID onlySession;
    /** Set for a job's stream token: the only job this socket may follow. */
    private UUID onlyJob;

    public EventSocket() {
        super(StreamConnections.WS);
    }

    @Override
    void accepted(BearerTokens.Caller caller) {
        admin = ReadAccess.admin(caller);
        onlySession = caller.onlySession();
        onlyJob = caller.onlyJob();
    }

    @Override
    void receive(JsonObject frame) {
        switch (frame.getString("type", "")) {
            case "subscribe" -> subscribe(frame);
            case "unsubscribe" -> unsubscribe(frame);
            default -> sendError(ErrorCode.VALIDATION_FAILED, "type must be subscribe or unsubscribe");
        }
    }

    /** What a frame names: a session, a job (its session's events about it), or the user's activity. */
    private record Target(Subscription.Key key, String name, UUID jobId) {
        boolean wants(StoredEvent event) {
            return jobId == null || jobId.equals(event.promptId());
        }
    }

    private void subscribe(JsonObject frame) {
        var target = target(frame);
        var key = target.key();
        var name = target.name();
        if (subscriptions.containsKey(name)) {
            throw ApiException.invalid("already subscribed to " + name);
        }
        long after = frame.containsKey("after") && frame.get("after") instanceof JsonNumber n ? n.longValue()
                : key.userWide() ? log.lastUserSeq(owner) : log.lastSessionSeq(key.sessionId());
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

    private Target target(JsonObject frame) {
        if (onlySession != null && frame.containsKey("scope")) {
            throw onlySession();
        }
        if ("user".equals(frame.getString("scope", null))) {
            return new Target(Subscription.Key.user(owner), "user", null);
        }
        var job = frame.getString("job_id", null);
        if (onlyJob != null && !onlyJob.toString().equals(job)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "this token may only subscribe to job " + onlyJob);
        }
        if (job != null) {
            var jobId = Bodies.pathId(job, "job");
            var reader = ReadAccess.reader(owner, admin, jobId, jobs::ownerOf);
            var sessionId = jobs.sessionOf(reader, jobId);
            if (onlySession != null && !onlySession.equals(sessionId)) {
                throw onlySession();
            }
            return new Target(Subscription.Key.session(reader, sessionId), "job:" + jobId, jobId);
        }
        var key = key(frame);
        return new Target(key, "session:" + key.sessionId(), null);
    }

    private Subscription.Key key(JsonObject frame) {
        var text = frame.getString("session_id", null);
        if (text == null) {
            throw ApiException.invalid("give session_id, job_id, or scope \"user\"");
        }
        var id = Bodies.pathId(text, "session");
        if (onlySession != null && !onlySession.equals(id)) {
            throw onlySession();
        }
        var reader = ReadAccess.reader(owner, admin, id, sessions::ownerOf);
        sessions.owned(reader, id);
        return Subscription.Key.session(reader, id);
    }

    private ApiException onlySession() {
        return new ApiException(ErrorCode.FORBIDDEN, "this token may only subscribe to session " + onlySession);
    }

    @Override
    void release() {
        subscriptions.values().forEach(hub::unsubscribe);
        subscriptions.clear();
    }
}
