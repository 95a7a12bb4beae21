package dev.rafiki.platform.problem;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Builds RFC 9457 {@code application/problem+json} bodies with Rafiki's stable codes. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");
    public static final String TYPE_BASE = "https://rafiki.dev/problems/";

    private Problems() {
    }

    public static JsonObject body(int status, ErrorCode code, String detail, String requestId,
                                  Map<String, Object> extensions) {
        JsonObjectBuilder json = Json.createObjectBuilder();
        // extensions first, so that none can replace a standard member
        extensions.forEach((key, value) -> {
            if (value instanceof Integer || value instanceof Long) {
                json.add(key, ((Number) value).longValue());
            } else if (value instanceof Number n) {
                json.add(key, new java.math.BigDecimal(n.toString()));
            } else if (value instanceof Boolean b) {
                json.add(key, b);
            } else if (value != null) {
                json.add(key, value.toString());
            }
        });
        return json.add("type", TYPE_BASE + code.wire())
                .add("title", code.title())
                .add("status", status)
                .add("code", code.wire())
                .add("detail", detail == null ? code.title() : detail)
                .add("request_id", requestId == null ? "unknown" : requestId)
                .build();
    }

    /** The answer for {@code code}, with the status that code always has. */
    public static Response response(ErrorCode code, String detail, String requestId, Map<String, Object> extensions) {
        return response(code.status(), code, detail, requestId, extensions);
    }

    /** Only for a status the container chose, which no code of ours names (see {@link ProblemMappers}). */
    public static Response response(int status, ErrorCode code, String detail, String requestId,
                                    Map<String, Object> extensions) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(body(status, code, detail, requestId, extensions).toString())
                .build();
    }
}
