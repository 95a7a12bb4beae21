package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One WebSocket to the server ({@code /ws}, {@code /query_stream}) over the JDK's client, since
 * the Jakarta REST client API has none: the bearer token on the handshake, a refused handshake as
 * the problem it carries, and whole text frames as JSON objects, in order.
 */
final class WebSocketConnection implements Frames {

    private record Closed(int code, String reason) {
    }

    private static final Object PONG = new Object();

    private final WebSocket socket;
    private final LinkedBlockingQueue<Object> inbox;
    private final Runnable activity;
    private final Duration idle;

    private WebSocketConnection(WebSocket socket, LinkedBlockingQueue<Object> inbox, Runnable activity, Duration idle) {
        this.socket = socket;
        this.inbox = inbox;
        this.activity = activity;
        this.idle = idle;
    }

    static Frames.Connector connector(HttpClient http, URI uri, Supplier<String> token, Duration connectTimeout, Duration idle) {
        return activity -> {
            var inbox = new LinkedBlockingQueue<Object>();
            var builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
            var bearer = token.get();
            if (bearer != null) {
                builder.header("Authorization", "Bearer " + bearer);
            }
            WebSocket socket;
            try {
                socket = builder.buildAsync(uri, new Inbox(inbox)).get(connectTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
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
            return new WebSocketConnection(socket, inbox, activity, idle);
        };
    }

    /** {@code http://host/…} → {@code ws://host/…/path} (https → wss). */
    static URI uri(URI base, String path) {
        var scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        var prefix = base.getPath() == null || base.getPath().isEmpty() || base.getPath().equals("/") ? ""
                : base.getPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + base.getRawAuthority() + prefix + path);
    }

    /**
     * Waits until the frame is handed to the socket: the JDK's WebSocket refuses a send while
     * another is under way, and frames come from the reader's thread and the caller's. A send that
     * fails drops the connection, which the reader then sees.
     */
    @Override
    public synchronized void send(String frame) {
        try {
            socket.sendText(frame, true).get(idle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            socket.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socket.abort();
        }
    }

    /**
     * Waits at most the idle timeout for a frame. The server sends keep-alive frames on quiet
     * streams; a ping, whose pong any WebSocket server sends back, also proves the connection
     * alive to a server (or a proxy) that sends none, e.g. an older Rafiki on {@code /query_stream}.
     */
    @Override
    public JsonObject next() throws IOException {
        long deadline = System.nanoTime() + idle.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no frame, not even a pong, for " + idle);
            }
            Object next;
            try {
                next = inbox.poll(Math.min(left, idle.toNanos() / 3), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
            if (next == null) {
                ping();
                continue;
            }
            activity.run();
            if (next == PONG) {
                deadline = System.nanoTime() + idle.toNanos();
                continue;
            }
            if (next instanceof Closed closed) {
                // the server's 44xx close codes mirror HTTP statuses (4401, 4403, 4429): handled like the
                // same refusal of the handshake, so 4429 (too many streams) backs off and 4403 ends the stream
                if (closed.code() >= 4400 && closed.code() < 4500) {
                    throw new RafikiException(closed.code() - 4000, "closed-" + closed.code(), "Stream closed",
                            closed.reason(), null, null, null, null);
                }
                return null;
            }
            if (next instanceof Throwable failure) {
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            try (var reader = Json.createReader(new StringReader((String) next))) {
                return reader.readObject();
            }
        }
    }

    private void ping() {
        try {
            socket.sendPing(ByteBuffer.allocate(0));
        } catch (RuntimeException e) {
            // a ping still under way: the deadline decides
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
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            inbox.add(PONG);
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
