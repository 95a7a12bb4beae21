package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.ReadAccess;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.session.boundary.Sessions;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /ws}: subscribe to sessions and to the caller's whole activity, each from a cursor.
 * Client frames: {@code {"type":"subscribe","session_id":…,"after":n}},
 * {@code {"type":"subscribe","job_id":…,"after":n}} (the job's events, cursor of its session),
 * {@code {"type":"subscribe","scope":"user","after":n}}, {@code {"type":"unsubscribe",…}}.
 * Server frames: events (their {@code type} is the event type, {@code stream} says which cursor
 * applies), {@code subscribed}, {@code unsubscribed}, {@code error}.
 */
@ServerEndpoint(value = "/ws", configurator = OriginCheck.class)
public class EventSocket {

    @Inject
    EventHub hub;

    @Inject
    dev.rafiki.platform.http.BearerTokens tokens;

    @Inject
    dev.rafiki.platform.http.JsonInput json;

    @Inject
    EventLog log;

    @Inject
    Sessions sessions;

    @Inject
    dev.rafiki.job.boundary.Jobs jobs;

    @Inject
    @ConfigProperty(name = "rafiki.events.subscriber-buffer", defaultValue = "1000")
    int buffer;

    @Inject
    StreamConnections connections;

    @Inject
    dev.rafiki.platform.edge.OpenStreams streams;

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private SocketSender sender;
    private String owner;
    private java.util.function.BooleanSupplier metered;
    /** Set for a stream token: the only session this socket may follow. */
    /** An administrator may follow any user's session or job (never the whole activity of another user). */
    private boolean admin;
    private UUID onlySession;
    /** Set for a job's stream token: the only job this socket may follow. */
    private UUID onlyJob;
    private boolean counted;

    @OnOpen
    public void open(Session session) {
        var caller = SocketSupport.caller(session, tokens);
        if (caller == null) {
            SocketSupport.close(session, SocketSupport.UNAUTHORIZED, "a valid bearer token is required");
            return;
        }
        if (!streams.open(caller.subject())) {
            SocketSupport.close(session, SocketSupport.TOO_MANY_STREAMS, "at most " + streams.maxPerUser() + " open streams per user");
            return;
        }
        counted = true;
        owner = caller.subject();
        admin = ReadAccess.admin(caller);
        onlySession = caller.onlySession();
        onlyJob = caller.onlyJob();
        sender = new SocketSender(session);
        metered = connections.opened(StreamConnections.WS, session::isOpen);
    }

    @OnMessage
    public void message(Session session, String text) {
        if (sender == null) {
            return; // refused at open, closing
        }
        var frame = SocketSupport.frame(json, text, sender);
        if (frame == null) {
            return;
        }
        try {
            switch (frame.getString("type", "")) {
                case "subscribe" -> subscribe(session, frame);
                case "unsubscribe" -> unsubscribe(frame);
                default -> sender.trySend(SocketSupport.error(ErrorCode.VALIDATION_FAILED, "type must be subscribe or unsubscribe"));
            }
        } catch (ApiException e) {
            sender.trySend(SocketSupport.error(e));
        } catch (ClassCastException e) {
            sender.trySend(SocketSupport.error(ErrorCode.VALIDATION_FAILED, "a field has the wrong type"));
        }
    }

    /** What a frame names: a session, a job (its session's events about it), or the user's activity. */
    private record Target(Subscription.Key key, String name, UUID jobId) {
        boolean wants(StoredEvent event) {
            return jobId == null || jobId.equals(event.promptId());
        }
    }

    private void subscribe(Session session, JsonObject frame) {
        var target = target(frame);
        var key = target.key();
        var name = target.name();
        if (subscriptions.containsKey(name)) {
            throw ApiException.invalid("already subscribed to " + name);
        }
        long after = frame.containsKey("after") && frame.get("after") instanceof JsonNumber n ? n.longValue()
                : key.userWide() ? log.lastUserSeq(owner) : log.lastSessionSeq(key.sessionId());
        var stream = key.userWide() ? "user" : "session";
        var subscription = new Subscription(key, after, buffer, target::wants) {
            @Override
            protected void transmit(StoredEvent event) throws Exception {
                sender.send(SocketSupport.eventFrame(event, stream));
            }

            @Override
            protected void overflowed(long resumeAfter) {
                SocketSupport.close(session, SocketSupport.SLOW_CONSUMER, "slow consumer: resume " + name + " after " + resumeAfter);
            }

            @Override
            protected void keepAlive() throws Exception {
                sender.send("{\"type\":\"keep-alive\"}");
            }
        };
        subscriptions.put(name, subscription);
        sender.trySend(Json.createObjectBuilder().add("type", "subscribed").add("subscription", name)
                .add("after", after).build().toString());
        hub.subscribe(subscription, after);
    }

    private void unsubscribe(JsonObject frame) {
        var name = target(frame).name();
        var subscription = subscriptions.remove(name);
        if (subscription != null) {
            hub.unsubscribe(subscription);
        }
        sender.trySend(Json.createObjectBuilder().add("type", "unsubscribed").add("subscription", name).build().toString());
    }

    private Target target(JsonObject frame) {
        if (onlySession != null && frame.containsKey("scope")) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.FORBIDDEN,
                    "this token may only subscribe to session " + onlySession);
        }
        if ("user".equals(frame.getString("scope", null))) {
            return new Target(Subscription.Key.user(owner), "user", null);
        }
        var job = frame.getString("job_id", null);
        if (onlyJob != null && !onlyJob.toString().equals(job)) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.FORBIDDEN,
                    "this token may only subscribe to job " + onlyJob);
        }
        if (job != null) {
            var jobId = Bodies.pathId(job, "job");
            var reader = ReadAccess.reader(owner, admin, jobId, jobs::ownerOf);
            var sessionId = jobs.sessionOf(reader, jobId);
            if (onlySession != null && !onlySession.equals(sessionId)) {
                throw new ApiException(dev.rafiki.platform.problem.ErrorCode.FORBIDDEN,
                        "this token may only subscribe to session " + onlySession);
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
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.FORBIDDEN,
                    "this token may only subscribe to session " + onlySession);
        }
        var reader = ReadAccess.reader(owner, admin, id, sessions::ownerOf);
        sessions.owned(reader, id);
        return Subscription.Key.session(reader, id);
    }

    @OnClose
    public synchronized void close() {
        connections.closed(StreamConnections.WS, metered);
        subscriptions.values().forEach(hub::unsubscribe);
        subscriptions.clear();
        if (counted) {
            counted = false;
            streams.close(owner);
        }
    }

    @OnError
    public void error(Throwable failure) {
        close();
    }
}
