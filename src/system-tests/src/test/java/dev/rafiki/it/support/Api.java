package dev.rafiki.it.support;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A plain HTTP client of the public API, as any application would write one. */
public final class Api {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;
    private final String token;

    public Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public Api as(String otherToken) {
        return new Api(base, otherToken);
    }

    /** The Java client for the same server and caller; close it after use. */
    public dev.rafiki.client.RafikiClient client() {
        var builder = dev.rafiki.client.RafikiClient.builder(base);
        if (token != null) {
            builder.token(token);
        }
        return builder.build();
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, String json, String... headers) {
        return send(post(request(path), json, headers));
    }

    public CompletableFuture<Response> postAsync(String path, String json, String... headers) {
        return CLIENT.sendAsync(post(request(path), json, headers).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(Response::new);
    }

    public Response send(String method, String path, String contentType, String body, String... headers) {
        var builder = request(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    /** {@code POST /query} and the answer's JSON, failing unless it is 200. */
    public JsonObject query(String sessionId, String prompt) {
        var body = Json.createObjectBuilder().add("prompt", prompt);
        if (sessionId != null) {
            body.add("session_id", sessionId);
        }
        var response = post("/query", body.build().toString());
        if (response.status() != 200) {
            throw new AssertionError("POST /query answered " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    public String createSession() {
        var response = post("/session", "{}");
        if (response.status() != 201) {
            throw new AssertionError("POST /session answered " + response.status() + ": " + response.body());
        }
        return response.json().getString("id");
    }

    /** Every message of a session, following the cursor through all pages. */
    public List<JsonObject> messages(String sessionId) {
        var all = new ArrayList<JsonObject>();
        String cursor = null;
        do {
            var page = get("/session/" + sessionId + "/messages?limit=200" + (cursor == null ? "" : "&after=" + cursor));
            if (page.status() != 200) {
                throw new AssertionError("messages answered " + page.status() + ": " + page.body());
            }
            var json = page.json();
            json.getJsonArray("items").forEach(v -> all.add(v.asJsonObject()));
            cursor = json.containsKey("next_cursor") ? json.getString("next_cursor") : null;
        } while (cursor != null);
        return all;
    }

    /**
     * Every item of a list route ({@code path} with or without a query), {@code limit} at a time,
     * following {@code next_cursor}; fails on a page larger than {@code limit}.
     */
    public List<JsonObject> pages(String path, int limit) {
        var all = new ArrayList<JsonObject>();
        String cursor = null;
        do {
            var page = get(path + (path.contains("?") ? "&" : "?") + "limit=" + limit
                    + (cursor == null ? "" : "&after=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)));
            if (page.status() != 200) {
                throw new AssertionError(path + " answered " + page.status() + ": " + page.body());
            }
            var json = page.json();
            var items = json.getJsonArray("items");
            if (items.size() > limit) {
                throw new AssertionError(path + " gave " + items.size() + " items for limit " + limit);
            }
            items.forEach(v -> all.add(v.asJsonObject()));
            cursor = json.containsKey("next_cursor") ? json.getString("next_cursor") : null;
        } while (cursor != null);
        return all;
    }

    private HttpRequest.Builder request(String path) {
        var builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static HttpRequest.Builder post(HttpRequest.Builder builder, String json, String... headers) {
        builder.POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static Response send(HttpRequest.Builder builder) {
        try {
            return new Response(CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response with its body parsed on demand. */
    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        Response(HttpResponse<String> response) {
            this(response.statusCode(), response.headers(), response.body());
        }

        public JsonObject json() {
            return (JsonObject) structure();
        }

        public JsonArray array() {
            return (JsonArray) structure();
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        private JsonStructure structure() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.read();
            }
        }
    }
}
