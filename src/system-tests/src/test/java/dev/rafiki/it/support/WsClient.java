package dev.rafiki.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client of the API (the JDK's), collecting the server's JSON frames in order. */
public final class WsClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(URI uri, String token, String... headers) {
        var builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        socket = builder.buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try (var reader = Json.createReader(new StringReader(partial.toString()))) {
                        frames.add(reader.readObject());
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(-1);
            }
        }).join();
    }

    public static WsClient connect(RafikiServer server, String path, String token, String... headers) {
        return connect(server.base(), path, token, headers);
    }

    /** To any server: {@code base} is its HTTP address ({@code http://host:port}). */
    public static WsClient connect(URI base, String path, String token, String... headers) {
        return new WsClient(URI.create("ws://" + base.getHost() + ":" + base.getPort() + path), token, headers);
    }

    /** The answer to a handshake: 101 and nothing more when upgraded, else the refusal's status and body. */
    public record Handshake(int status, String contentType, String body) {
        public boolean upgraded() {
            return status == 101;
        }

        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }
    }

    /**
     * Sends a WebSocket handshake by hand, to see what a refusal says (the JDK's client only tells
     * the status) and that it comes before the upgrade; an upgraded connection is dropped at once.
     */
    public static Handshake handshake(RafikiServer server, String path, String token) {
        try (var socket = new java.net.Socket("127.0.0.1", server.base().getPort())) {
            socket.setSoTimeout(30_000);
            var request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.base().getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n");
            if (token != null) {
                request.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            int status = Integer.parseInt(line(in).split(" ")[1]);
            String contentType = "";
            long length = -1;
            boolean chunked = false;
            for (var header = line(in); !header.isEmpty(); header = line(in)) {
                var name = header.substring(0, header.indexOf(':')).strip().toLowerCase(java.util.Locale.ROOT);
                var value = header.substring(header.indexOf(':') + 1).strip();
                switch (name) {
                    case "content-type" -> contentType = value;
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    default -> { }
                }
            }
            if (status == 101) {
                return new Handshake(status, contentType, "");
            }
            var body = new java.io.ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line(in).split(";")[0].strip(), 16); size > 0;
                     size = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
            } else if (length >= 0) {
                body.write(in.readNBytes((int) length));
            }
            return new Handshake(status, contentType, body.toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String line(java.io.DataInputStream in) throws java.io.IOException {
        var line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    public WsClient send(String json) {
        socket.sendText(json, true).join();
        return this;
    }

    /** The next frame, failing after the timeout. */
    public JsonObject next(Duration timeout) {
        try {
            var frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + timeout);
            }
            return frame;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frames up to and including the first that matches. */
    public java.util.List<JsonObject> until(Predicate<JsonObject> last, Duration timeout) {
        var list = new java.util.ArrayList<JsonObject>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative()) {
                throw new AssertionError("timed out; got " + list);
            }
            var frame = next(left);
            list.add(frame);
            if (last.test(frame)) {
                return list;
            }
        }
    }

    public static boolean terminal(JsonObject frame) {
        var type = frame.getString("type", "");
        return type.equals("prompt.completed") || type.equals("prompt.failed") || type.equals("prompt.cancelled");
    }

    /** Drops the connection without a closing handshake, as a network failure would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
