package dev.rafiki.event.boundary;

import dev.rafiki.event.control.StoredEvent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import dev.rafiki.platform.http.JsonInput;
import dev.rafiki.platform.http.QueryTokens;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.security.Principal;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** What both WebSocket endpoints share: the caller, frames, and the close codes of the API. */
final class SocketSupport {

    /** The client does not read fast enough; reconnect and resume from the cursor given. */
    static final CloseReason.CloseCode SLOW_CONSUMER = CloseReason.CloseCodes.getCloseCode(4008);
    /** The token may not do this: a stream token opening a prompt stream. */
    static final CloseReason.CloseCode FORBIDDEN = CloseReason.CloseCodes.getCloseCode(4403);
    /** The user has {@code rafiki.streams.max-per-user} streams open already. */
    static final CloseReason.CloseCode TOO_MANY_STREAMS = CloseReason.CloseCodes.getCloseCode(4429);
    /** The handshake carried no valid token (the container normally refuses it earlier, with 401). */
    static final CloseReason.CloseCode UNAUTHORIZED = CloseReason.CloseCodes.getCloseCode(4401);

    private SocketSupport() {
    }

    /**
     * The token's subject, as for every HTTP route: from the Authorization header (verified by
     * MicroProfile JWT on the handshake) or, for browsers, the {@code access_token} parameter.
     *
     * @return null when the handshake carried no valid token
     */
    static QueryTokens.Caller caller(Session session, QueryTokens tokens) {
        Principal principal = session.getUserPrincipal();
        if (principal instanceof JsonWebToken jwt && jwt.getSubject() != null && jwt.getGroups().contains("user")) {
            return new QueryTokens.Caller(jwt.getSubject(), null);
        }
        var parameter = session.getRequestParameterMap().get("access_token");
        return parameter == null || parameter.isEmpty() ? null : tokens.caller(parameter.get(0)).orElse(null);
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
            sender.trySend(error(e.code().wire(), e.getMessage(), e.extensions()));
            return null;
        }
        if (value instanceof JsonObject frame) {
            return frame;
        }
        sender.trySend(error(ErrorCode.MALFORMED_JSON.wire(), "frames are JSON objects", Map.of()));
        return null;
    }

    static String error(String code, String message) {
        return error(code, message, Map.of());
    }

    static String error(String code, String message, Map<String, Object> extensions) {
        var error = Json.createObjectBuilder().add("type", "error").add("code", code).add("message", message);
        extensions.forEach((name, value) -> error.add(name, String.valueOf(value)));
        return error.build().toString();
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
