package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.EventSettings;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.edge.OpenStreams;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.http.JsonInput;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.platform.problem.Problems;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What every WebSocket endpoint does the same way, so that each endpoint holds only its own
 * frames: the caller and the per-user stream count at the handshake, client frames read by the
 * same door as a request body, error frames, subscriptions written to this socket, and the release
 * of all of it however the connection ends.
 *
 * <p>Public, with the lifecycle methods declared here only: the containers find annotated methods
 * of a superclass (Tyrus through {@code getMethods}, Undertow by walking the hierarchy), and a
 * package-private base would have javac add bridge methods to each endpoint, a second copy of
 * every annotated method.
 */
public abstract class StreamSocket {

    /** The client does not read fast enough; reconnect and resume from the cursor given. */
    static final CloseReason.CloseCode SLOW_CONSUMER = CloseReason.CloseCodes.getCloseCode(4008);
    /** The token may not do this: a stream token opening a prompt stream. */
    static final CloseReason.CloseCode FORBIDDEN = CloseReason.CloseCodes.getCloseCode(4403);
    /** The user has {@code rafiki.streams.max-per-user} streams open already. */
    static final CloseReason.CloseCode TOO_MANY_STREAMS = CloseReason.CloseCodes.getCloseCode(4429);
    /**
     * The handshake carried no valid token, or one without the user group. The edge filter refuses
     * such a handshake before the upgrade (401 or 403); the endpoint does not rely on being behind it.
     */
    static final CloseReason.CloseCode UNAUTHORIZED = CloseReason.CloseCodes.getCloseCode(4401);

    @Inject
    EventHub hub;

    @Inject
    EventLog log;

    @Inject
    BearerTokens tokens;

    @Inject
    JsonInput json;

    @Inject
    EventSettings events;

    @Inject
    StreamConnections connections;

    @Inject
    OpenStreams streams;

    /** The {@link StreamConnections} transport this endpoint is counted as. */
    private final String transport;
    /** The caller's subject, once the handshake was accepted. */
    String owner;
    private Session session;
    private SocketSender sender;
    private BooleanSupplier metered;
    private boolean counted;

    StreamSocket(String transport) {
        this.transport = transport;
    }

    /**
     * Why this endpoint refuses a caller the handshake let in (closed with {@link #FORBIDDEN}),
     * or null. Asked before the caller's stream is counted.
     */
    String refusal(BearerTokens.Caller caller) {
        return null;
    }

    /** The caller of an accepted connection, before its first frame. */
    void accepted(BearerTokens.Caller caller) {
    }

    /** One client frame, a JSON object; an {@link ApiException} becomes an error frame. */
    abstract void receive(JsonObject frame);

    /** The connection ended: stop what it follows. Runs once per end, also for a refused handshake. */
    abstract void release();

    @OnOpen
    public void open(Session session) {
        var caller = caller(session);
        if (caller == null) {
            close(session, UNAUTHORIZED, "a valid bearer token is required");
            return;
        }
        var refusal = refusal(caller);
        if (refusal != null) {
            close(session, FORBIDDEN, refusal);
            return;
        }
        if (!streams.open(caller.subject())) {
            close(session, TOO_MANY_STREAMS, "at most " + streams.maxPerUser() + " open streams per user");
            return;
        }
        counted = true;
        // No idle timeout, as before (the container's default is none; the hub's keep-alives find
        // dead clients), but said as -1: Tyrus 2.2+ then stops scheduling an idle-timer task on every
        // frame in and out (a third of the fan-out's CPU on Payara 6, see docs/platform-notes.md)
        session.setMaxIdleTimeout(-1);
        owner = caller.subject();
        accepted(caller);
        this.session = session;
        sender = new SocketSender(session);
        metered = connections.opened(transport, session::isOpen);
    }

    @OnMessage
    public void message(String text) {
        if (sender == null) {
            return; // refused at open, closing
        }
        var frame = frame(text);
        if (frame == null) {
            return;
        }
        try {
            receive(frame);
        } catch (ApiException e) {
            sendError(e);
        } catch (ClassCastException e) {
            sendError(ErrorCode.VALIDATION_FAILED, "a field has the wrong type");
        }
    }

    @OnClose
    public synchronized void close() {
        connections.closed(transport, metered);
        release();
        if (counted) {
            counted = false;
            streams.close(owner);
        }
    }

    @OnError
    public void error(Throwable failure) {
        close();
    }

    /**
     * The caller, by the rules of every HTTP route: the Authorization header's token (verified on
     * the handshake, then by the same rules as a parameter) or, for browsers, the {@code
     * access_token} parameter.
     *
     * @return null when the handshake carried no valid token, or one without the user group
     */
    private BearerTokens.Caller caller(Session session) {
        var parameter = session.getRequestParameterMap().get(BearerTokens.ACCESS_TOKEN);
        var credentials = tokens.of(session.getUserPrincipal(), parameter == null || parameter.isEmpty() ? null : parameter.get(0));
        return credentials.valid() && credentials.caller().user() ? credentials.caller() : null;
    }

    /**
     * A client's frame, read by the same door as a request body ({@link JsonInput}). A frame that
     * is refused there, or is not a JSON object, is answered with an error frame and gives null.
     */
    private JsonObject frame(String text) {
        JsonValue value;
        try {
            value = json.read(text);
        } catch (ApiException e) {
            sendError(e);
            return null;
        }
        if (value instanceof JsonObject frame) {
            return frame;
        }
        sendError(ErrorCode.MALFORMED_JSON, "frames are JSON objects");
        return null;
    }

    /**
     * The cursor a frame's {@code after} names, or {@code missing} when it names none (left out or
     * null). Anything else but a whole number from 0 up is refused, as a bad {@code after} is on
     * every HTTP route: read as "none", it would start the stream where the client did not ask.
     */
    static long after(JsonObject frame, LongSupplier missing) {
        var value = frame.get("after");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return missing.getAsLong();
        }
        if (value instanceof JsonNumber n && n.isIntegral() && n.bigIntegerValue().signum() >= 0
                && n.bigIntegerValue().bitLength() < Long.SIZE) {
            return n.longValue();
        }
        throw ApiException.invalid("'after' must be an event cursor, a whole number from 0 up");
    }

    /** A control frame; a client that is gone simply misses it. */
    void reply(JsonObjectBuilder frame) {
        sender.trySend(frame.build().toString());
    }

    void sendError(ApiException e) {
        sender.trySend(errorFrame(e.code(), e.getMessage(), e.extensions()));
    }

    void sendError(ErrorCode code, String detail) {
        sender.trySend(errorFrame(code, detail, Map.of()));
    }

    /**
     * An error frame carries the members of the problem+json an HTTP route would answer ({@code
     * code}, {@code title}, {@code status}, {@code detail}, extensions with numbers as numbers),
     * so that a client reads both with one type; {@code type} is the frame's, as on every frame.
     */
    static String errorFrame(ErrorCode code, String detail, Map<String, Object> extensions) {
        var problem = Problems.body(code.status(), code, detail, null, extensions);
        return Json.createObjectBuilder(problem).remove("request_id").add("type", "error").build().toString();
    }

    private static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * A subscription whose events this socket writes as frames of {@code stream}; a client too slow
     * for it is closed with {@link #SLOW_CONSUMER} and told where to resume ({@code resume}, then
     * the cursor).
     */
    class Feed extends Subscription {

        private final String stream;
        private final String resume;

        Feed(Key key, long after, Predicate<StoredEvent> filter, String stream, String resume) {
            super(key, after, events.subscriberBuffer, filter);
            this.stream = stream;
            this.resume = resume;
        }

        @Override
        protected void transmit(StoredEvent event) throws Exception {
            sender.send(event.frame(stream));
        }

        @Override
        protected void overflowed(long resumeAfter) {
            StreamSocket.close(session, SLOW_CONSUMER, "slow consumer: " + resume + " after " + resumeAfter);
        }

        /** Blocking, like an event: a keep-alive that cannot be written shows a dead client. */
        void send(String frame) throws IOException {
            sender.send(frame);
        }
    }
}
