package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.StoredEvent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.http.JsonInput;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.platform.problem.Problems;
import java.util.Map;

/** What both WebSocket endpoints share: the caller, frames, and the close codes of the API. */
final class SocketSupport {

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

    private SocketSupport() {
    }

    /**
     * The caller, by the rules of every HTTP route: the Authorization header's token (verified by
     * MicroProfile JWT on the handshake, then by the same rules as a parameter) or, for browsers,
     * the {@code access_token} parameter.
     *
     * @return null when the handshake carried no valid token, or one without the user group
     */
    static BearerTokens.Caller caller(Session session, BearerTokens tokens) {
        var parameter = session.getRequestParameterMap().get(BearerTokens.ACCESS_TOKEN);
        var credentials = tokens.of(session.getUserPrincipal(), parameter == null || parameter.isEmpty() ? null : parameter.get(0));
        return credentials.valid() && credentials.caller().user() ? credentials.caller() : null;
    }

    /**
     * A client's frame, read by the same door as a request body ({@link JsonInput}). A frame that
     * is refused there, or is not a JSON object, is answered with an error frame and gives null.
     */
    static JsonObject frame(JsonInput json, String text, SocketSender sender) {
        JsonValue value;
        try {
            value = json.read(text);
        } catch (ApiException e) {
            sender.trySend(error(e));
            return null;
        }
        if (value instanceof JsonObject frame) {
            return frame;
        }
        sender.trySend(error(ErrorCode.MALFORMED_JSON, "frames are JSON objects"));
        return null;
    }

    static String error(ApiException e) {
        return error(e.code(), e.getMessage(), e.extensions());
    }

    static String error(ErrorCode code, String detail) {
        return error(code, detail, Map.of());
    }

    /**
     * An error frame carries the members of the problem+json an HTTP route would answer ({@code
     * code}, {@code title}, {@code status}, {@code detail}, extensions with numbers as numbers),
     * so that a client reads both with one type; {@code type} is the frame's, as on every frame.
     */
    static String error(ErrorCode code, String detail, Map<String, Object> extensions) {
        var problem = Problems.body(code.status(), code, detail, null, extensions);
        var frame = Json.createObjectBuilder(problem).remove("request_id").add("type", "error");
        return frame.build().toString();
    }

    static String eventFrame(StoredEvent event, String stream) {
        return event.frame(stream);
    }

    static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
        } catch (IOException ignored) {
            // already gone
        }
    }
}
