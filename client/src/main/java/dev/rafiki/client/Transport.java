package dev.rafiki.client;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one way every call goes: the bearer token, the retry policy, problem+json into
 * {@link RafikiException}, and the API's snake_case JSON into records.
 */
final class Transport {

    /** Pauses between tries; tests count them instead of sleeping. */
    interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;
    }

    static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    /** Jersey's default connector needs this for PATCH; other implementations ignore the property. */
    private static final String JERSEY_METHOD_WORKAROUND = "jersey.config.client.httpUrlConnection.setMethodWorkaround";

    final Client client;
    final URI base;
    final Supplier<String> token;
    final RetryPolicy retries;
    final Sleeper sleeper;
    final Jsonb jsonb;
    /** False once the implementation turned PATCH down: from then on it goes as an overridden POST. */
    private final java.util.concurrent.atomic.AtomicBoolean patchWorks = new java.util.concurrent.atomic.AtomicBoolean(true);

    Transport(Client client, URI base, Supplier<String> token, RetryPolicy retries, Sleeper sleeper) {
        this.client = client;
        this.base = base;
        this.token = token;
        this.retries = retries;
        this.sleeper = sleeper;
        // the API's JSON form: snake_case members; absent ones are left out, unknown ones ignored
        this.jsonb = JsonbBuilder.create(new JsonbConfig()
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
                .withNullValues(false));
    }

    /** An answer read whole: status, headers, body text. */
    record Reply(int status, MultivaluedMap<String, String> headers, String body) {
        String header(String name) {
            var values = headers.get(name);
            if (values == null) {
                for (var entry : headers.entrySet()) {
                    if (entry.getKey().equalsIgnoreCase(name)) {
                        values = entry.getValue();
                        break;
                    }
                }
            }
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A call to make: what, where, and whether it may reach the server twice. */
    static final class Call {
        final String method;
        final String path;
        final Map<String, Object> query = new LinkedHashMap<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        String body;
        boolean idempotent;
        Set<Integer> success = Set.of(200);
        /** What also counts as done when it answers a retry: a delete whose first try was done but lost. */
        Set<Integer> successOnRetry = Set.of();

        private Call(String method, String path, boolean idempotent) {
            this.method = method;
            this.path = path;
            this.idempotent = idempotent;
        }

        static Call get(String path) {
            return new Call("GET", path, true);
        }

        static Call post(String path, String json, boolean idempotent) {
            var call = new Call("POST", path, idempotent);
            call.body = json;
            return call;
        }

        static Call method(String method, String path, String json, boolean idempotent) {
            var call = new Call(method, path, idempotent);
            call.body = json;
            return call;
        }

        Call query(String name, Object value) {
            if (value != null) {
                query.put(name, value);
            }
            return this;
        }

        Call header(String name, String value) {
            if (value != null) {
                headers.put(name, value);
            }
            return this;
        }

        Call success(Integer... statuses) {
            success = Set.of(statuses);
            return this;
        }

        Call successOnRetry(Integer... statuses) {
            successOnRetry = Set.of(statuses);
            return this;
        }
    }

    /** Makes the call, retrying as the policy allows; any other status than a success is thrown. */
    Reply send(Call call) {
        for (int attempt = 1; ; attempt++) {
            RafikiException failure;
            try {
                var reply = once(call);
                if (call.success.contains(reply.status()) || attempt > 1 && call.successOnRetry.contains(reply.status())) {
                    return reply;
                }
                failure = RafikiException.of(reply.status(), reply.body(), reply.header("Retry-After"),
                        reply.header("X-Request-Id"));
            } catch (ProcessingException e) {
                failure = RafikiException.connectionFailed(e.getCause() != null ? e.getCause() : e);
            }
            var pause = retries.pauseAfter(attempt, failure, call.idempotent);
            if (pause == null) {
                throw failure;
            }
            pause(pause);
        }
    }

    <T> T send(Call call, Type type) {
        return read(send(call).body(), type);
    }

    /** The answer as a view; an answer that is not one (a proxy's page, say) is a {@link RafikiException} too. */
    <T> T read(String json, Type type) {
        try {
            return jsonb.fromJson(json, type);
        } catch (jakarta.json.bind.JsonbException e) {
            var start = json == null ? "" : json.length() > 200 ? json.substring(0, 200) + "…" : json;
            throw new RafikiException(0, "invalid-response", "Invalid response",
                    "the answer is not the JSON expected (" + e.getMessage() + "): " + start, null, null, null, e);
        }
    }

    void pause(Duration pause) {
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RafikiException(0, "interrupted", "Interrupted", "the call was interrupted while waiting to retry",
                    null, null, null, e);
        }
    }

    private Reply once(Call call) {
        Response response;
        if (call.method.equals("PATCH") && !patchWorks.get()) {
            response = overridden(call);
        } else {
            try {
                response = invoke(call, call.method);
            } catch (ProcessingException e) {
                if (!call.method.equals("PATCH") || !cannotSendPatch(e)) {
                    throw e;
                }
                patchWorks.set(false);
                response = overridden(call);
            }
        }
        try {
            byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
            var length = response.getHeaderString("Content-Length");
            if (length != null && !length.isBlank() && body.length < Long.parseLong(length.strip())) {
                // some connectors end a fixed-length body early without a word when the connection drops
                throw new ProcessingException(new java.io.EOFException(
                        "the answer ended after " + body.length + " of its " + length.strip() + " bytes"));
            }
            return new Reply(response.getStatus(), response.getStringHeaders(), new String(body, StandardCharsets.UTF_8));
        } finally {
            response.close();
        }
    }

    private Response invoke(Call call, String method) {
        var request = request(call, MediaType.APPLICATION_JSON_TYPE, PROBLEM_JSON);
        return call.body == null ? request.method(method)
                : request.method(method, Entity.entity(call.body, MediaType.APPLICATION_JSON_TYPE));
    }

    /**
     * PATCH as {@code POST} with {@code X-HTTP-Method-Override: PATCH}, which the server honours:
     * the JDK's HttpURLConnection (Jersey's default connector) cannot send PATCH on Java 16+.
     */
    private Response overridden(Call call) {
        call.headers.put("X-HTTP-Method-Override", "PATCH");
        try {
            return invoke(call, "POST");
        } finally {
            call.headers.remove("X-HTTP-Method-Override");
        }
    }

    /** The implementation refused the method itself: nothing was sent. */
    private static boolean cannotSendPatch(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.lang.reflect.InaccessibleObjectException
                    || cause instanceof java.net.ProtocolException && String.valueOf(cause.getMessage()).contains("PATCH")) {
                return true;
            }
        }
        return false;
    }

    /** The request of a call, with its token and headers, for answers of {@code accept}. */
    Invocation.Builder request(Call call, MediaType... accept) {
        var builder = client.target(uri(call.path, call.query)).request(accept);
        var bearer = token.get();
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        call.headers.forEach(builder::header);
        if (call.method.equals("PATCH")) {
            builder.property(JERSEY_METHOD_WORKAROUND, true);
        }
        return builder;
    }

    /** The base with {@code path} (already made of encoded segments) and the query, each value encoded. */
    URI uri(String path, Map<String, Object> query) {
        var text = new StringBuilder(base.toString());
        if (text.charAt(text.length() - 1) == '/') {
            text.setLength(text.length() - 1);
        }
        text.append(path);
        char separator = '?';
        for (var entry : query.entrySet()) {
            text.append(separator).append(encode(entry.getKey())).append('=').append(encode(String.valueOf(entry.getValue())));
            separator = '&';
        }
        return URI.create(text.toString());
    }

    /** {@code Page<item>}, for JSON-B. */
    static Type pageOf(Class<?> item) {
        return new java.lang.reflect.ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {item};
            }

            @Override
            public Type getRawType() {
                return Page.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }
        };
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A path segment, encoded: an artifact's name may hold any character. */
    static String segment(String text) {
        return encode(text);
    }
}
