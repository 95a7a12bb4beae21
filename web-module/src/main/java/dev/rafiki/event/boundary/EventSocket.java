package dev.rafiki.event.boundary;

import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.problem.ApiException;
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
 * {@code {"type":"subscribe","scope":"user","after":n}}, {@code {"type":"unsubscribe",…}}.
 * Server frames: events (their {@code type} is the event type, {@code stream} says which cursor
 * applies), {@code subscribed}, {@code unsubscribed}, {@code error}.
 */
@ServerEndpoint(value = "/ws", configurator = OriginCheck.class)
public class EventSocket {

    @Inject
    EventHub hub;

    @Inject
    dev.rafiki.platform.http.QueryTokens tokens;

    @Inject
    EventLog log;

    @Inject
    Sessions sessions;

    @Inject
    @ConfigProperty(name = "rafiki.events.subscriber-buffer", defaultValue = "1000")
    int buffer;

    @Inject
    dev.rafiki.platform.edge.OpenStreams streams;

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private SocketSender sender;
    private String owner;
    /** Set for a stream token: the only session this socket may follow. */
    private UUID onlySession;
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
        onlySession = caller.onlySession();
        sender = new SocketSender(session);
    }

    @OnMessage
    public void message(Session session, String text) {
        if (sender == null) {
            return; // refused at open, closing
        }
        var frame = SocketSupport.parse(text);
        if (frame == null) {
            sender.trySend(SocketSupport.error("malformed-json", "frames are JSON objects"));
            return;
        }
        try {
            switch (frame.getString("type", "")) {
                case "subscribe" -> subscribe(session, frame);
                case "unsubscribe" -> unsubscribe(frame);
                default -> sender.trySend(SocketSupport.error("validation-failed", "type must be subscribe or unsubscribe"));
            }
        } catch (ApiException e) {
            sender.trySend(SocketSupport.error(e.code().wire(), e.getMessage()));
        } catch (ClassCastException e) {
            sender.trySend(SocketSupport.error("validation-failed", "a field has the wrong type"));
        }
    }

    private void subscribe(Session session, JsonObject frame) {
        var key = key(frame);
        var name = name(key);
        if (subscriptions.containsKey(name)) {
            throw ApiException.invalid("already subscribed to " + name);
        }
        long after = frame.containsKey("after") && frame.get("after") instanceof JsonNumber n ? n.longValue()
                : key.userWide() ? log.lastUserSeq(owner) : log.lastSessionSeq(key.sessionId());
        var stream = key.userWide() ? "user" : "session";
        var subscription = new Subscription(key, after, buffer, e -> true) {
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
        var name = name(key(frame));
        var subscription = subscriptions.remove(name);
        if (subscription != null) {
            hub.unsubscribe(subscription);
        }
        sender.trySend(Json.createObjectBuilder().add("type", "unsubscribed").add("subscription", name).build().toString());
    }

    private Subscription.Key key(JsonObject frame) {
        if (onlySession != null && frame.containsKey("scope")) {
            throw new ApiException(403, dev.rafiki.platform.problem.ErrorCode.FORBIDDEN,
                    "this token may only subscribe to session " + onlySession);
        }
        if ("user".equals(frame.getString("scope", null))) {
            return Subscription.Key.user(owner);
        }
        var text = frame.getString("session_id", null);
        if (text == null) {
            throw ApiException.invalid("give session_id, or scope \"user\"");
        }
        UUID id;
        try {
            id = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("session " + text);
        }
        if (onlySession != null && !onlySession.equals(id)) {
            throw new ApiException(403, dev.rafiki.platform.problem.ErrorCode.FORBIDDEN,
                    "this token may only subscribe to session " + onlySession);
        }
        sessions.owned(owner, id);
        return Subscription.Key.session(owner, id);
    }

    private static String name(Subscription.Key key) {
        return key.userWide() ? "user" : "session:" + key.sessionId();
    }

    @OnClose
    public synchronized void close() {
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
