package dev.rafiki.client;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /events} over the Jakarta REST client: Server-Sent Events (WHATWG HTML §9.2.6), of
 * which the server uses {@code id}, {@code event}, {@code data} and comments. An {@code id}
 * without data is the cursor the stream starts after.
 */
final class SseFeed implements Feed {

    private static final MediaType EVENT_STREAM = new MediaType("text", "event-stream");

    private final Response response;
    private final BufferedReader reader;
    private final Runnable activity;

    private SseFeed(Response response, Runnable activity) {
        this.response = response;
        this.activity = activity;
        this.reader = new BufferedReader(new InputStreamReader(response.readEntity(java.io.InputStream.class),
                StandardCharsets.UTF_8));
    }

    static Feed.Opener opener(Transport transport, Map<String, String> query) {
        return (cursor, activity) -> {
            var call = Transport.Call.get("/events");
            query.forEach(call::query);
            if (cursor != null) {
                call.query("after", cursor).header("Last-Event-ID", Long.toString(cursor));
            }
            var response = transport.request(call, EVENT_STREAM, Transport.PROBLEM_JSON).get();
            activity.run();
            if (response.getStatus() != 200) {
                try {
                    var body = response.hasEntity() ? response.readEntity(String.class) : "";
                    throw RafikiException.of(response.getStatus(), body, response.getHeaderString("Retry-After"),
                            response.getHeaderString("X-Request-Id"));
                } finally {
                    response.close();
                }
            }
            return new SseFeed(response, activity);
        };
    }

    @Override
    public Item next() throws IOException {
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            activity.run();
            if (line.isEmpty()) {
                var item = item(id, data);
                if (item != null) {
                    return item;
                }
                id = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            var field = colon < 0 ? line : line.substring(0, colon);
            var value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (field.equals("id")) {
                id = value;
            } else if (field.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
            // event (the type is in the data too), retry: the client keeps its own pace
        }
        return null;
    }

    /** A finished block: an event, a start cursor (an id without data), or nothing worth a word. */
    private static Item item(String id, StringBuilder data) {
        Long cursor = cursor(id);
        if (cursor == null) {
            return null;
        }
        return data == null || data.toString().isBlank() ? new Item(cursor, null) : new Item(cursor, data.toString());
    }

    private static Long cursor(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            response.close();
        } catch (RuntimeException ignored) {
            // already closed or broken: the reader sees it either way
        }
    }
}
