package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code GET /ws} over the JDK's WebSocket client (the Jakarta REST client API has none): one
 * {@code subscribe} frame, then its events. The {@code subscribed} frame names the start cursor;
 * an {@code error} frame is the problem it carries; a close (4008 for a subscriber that fell
 * behind, or a server going down) ends the feed.
 */
final class WebSocketFeed implements Feed {

    private record Closed(int code, String reason) {
    }

    private final WebSocket socket;
    private final LinkedBlockingQueue<Object> inbox;
    private final Runnable activity;
    private final Duration idle;

    private WebSocketFeed(WebSocket socket, LinkedBlockingQueue<Object> inbox, Runnable activity, Duration idle) {
        this.socket = socket;
        this.inbox = inbox;
        this.activity = activity;
        this.idle = idle;
    }

    static Feed.Opener opener(HttpClient http, URI base, Supplier<String> token, Map<String, String> query,
                              Duration connectTimeout, Duration idle) {
        return (cursor, activity) -> {
            var inbox = new LinkedBlockingQueue<Object>();
            var builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
            var bearer = token.get();
            if (bearer != null) {
                builder.header("Authorization", "Bearer " + bearer);
            }
            WebSocket socket;
            try {
                socket = builder.buildAsync(uri(base), new Inbox(inbox)).get(connectTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException refused) {
                    var response = refused.getResponse();
                    var body = response.body() instanceof String text ? text : "";
                    throw RafikiException.of(response.statusCode(), body,
                            response.headers().firstValue("Retry-After").orElse(null),
                            response.headers().firstValue("X-Request-Id").orElse(null));
                }
                throw new IOException("the WebSocket did not open", e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("the WebSocket did not open in time", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while opening the WebSocket", e);
            }
            activity.run();
            var subscribe = Json.createObjectBuilder().add("type", "subscribe");
            if (query.isEmpty()) {
                subscribe.add("scope", "user");
            }
            query.forEach(subscribe::add);
            if (cursor != null) {
                subscribe.add("after", cursor);
            }
            socket.sendText(subscribe.build().toString(), true);
            return new WebSocketFeed(socket, inbox, activity, idle);
        };
    }

    /** {@code http://host/…} → {@code ws://host/ws} (https → wss). */
    static URI uri(URI base) {
        var scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        var path = base.getPath() == null || base.getPath().isEmpty() || base.getPath().equals("/") ? ""
                : base.getPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + base.getRawAuthority() + path + "/ws");
    }

    @Override
    public Item next() throws IOException {
        while (true) {
            Object next;
            try {
                next = inbox.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
            if (next == null) {
                throw new IOException("no frame, not even a keep-alive, for " + idle);
            }
            activity.run();
            if (next instanceof Closed) {
                return null;
            }
            if (next instanceof Throwable failure) {
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            var text = (String) next;
            JsonObject frame;
            try (var reader = Json.createReader(new StringReader(text))) {
                frame = reader.readObject();
            }
            var type = frame.getString("type", "");
            switch (type) {
                case "subscribed" -> {
                    return new Item(frame.getJsonNumber("after").longValue(), null);
                }
                case "keep-alive", "unsubscribed" -> {
                    // nothing to hand over
                }
                case "error" -> throw problem(frame);
                default -> {
                    if (!frame.containsKey("stream")) {
                        continue;
                    }
                    var cursor = "user".equals(frame.getString("stream")) ? frame.getJsonNumber("user_seq")
                            : frame.getJsonNumber("seq");
                    return new Item(cursor.longValue(), text);
                }
            }
        }
    }

    /** An {@code error} frame carries the members of the problem an HTTP route would answer. */
    static RafikiException problem(JsonObject frame) {
        int status = frame.get("status") instanceof jakarta.json.JsonNumber n ? n.intValue() : 400;
        return RafikiException.of(status, frame.toString(), null, null);
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** The JDK's listener: whole text messages, the close and failures, into the inbox. */
    private static final class Inbox implements WebSocket.Listener {
        private final LinkedBlockingQueue<Object> inbox;
        private final StringBuilder partial = new StringBuilder();

        Inbox(LinkedBlockingQueue<Object> inbox) {
            this.inbox = inbox;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                inbox.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            inbox.add(new Closed(code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            inbox.add(error);
        }
    }
}
