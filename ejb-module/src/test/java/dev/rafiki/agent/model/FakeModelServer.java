package dev.rafiki.agent.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 for provider tests: it records every request and answers each one
 * with the next scripted {@link Reply}, so tests exercise the real client, real chunked bodies and real
 * socket behaviour (slow chunks, connections cut mid-body, servers that go silent).
 */
public final class FakeModelServer implements AutoCloseable {

    /** A request as the server saw it; header names are lower case. */
    public record Recorded(String method, String path, Map<String, List<String>> headers, String body) {

        /** @return the first value of the header, or null */
        public String header(String name) {
            var values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private sealed interface Step {
    }

    private record Chunk(String text) implements Step {
    }

    private record Pause(Duration duration) implements Step {
    }

    private record Cut() implements Step {
    }

    private record Hang() implements Step {
    }

    /** A scripted response: status, headers, then body steps played in order. */
    public static final class Reply {

        private final int status;
        private final List<String[]> headers = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();

        private Reply(int status) {
            this.status = status;
        }

        public static Reply status(int status) {
            return new Reply(status);
        }

        public Reply header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** Writes and flushes one chunk of the body. */
        public Reply chunk(String text) {
            steps.add(new Chunk(text));
            return this;
        }

        /** Waits before the next step. */
        public Reply pause(Duration duration) {
            steps.add(new Pause(duration));
            return this;
        }

        /** Drops the connection without finishing the body. */
        public Reply cut() {
            steps.add(new Cut());
            return this;
        }

        /** Sends nothing more until the server is closed. */
        public Reply hang() {
            steps.add(new Hang());
            return this;
        }
    }

    /** Thrown inside the handler so that the JDK server drops the connection instead of ending the body. */
    private static final class AbruptClose extends RuntimeException {
        AbruptClose() {
            super("scripted abrupt close", null, false, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    public FakeModelServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // one thread per exchange, so a hanging reply never blocks the next request
        handlers = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, "fake-model-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the server's base address, e.g. http://127.0.0.1:54321 (no trailing slash) */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeModelServer enqueue(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** @return the requests received so far, oldest first */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** @return the only request received; fails when there was not exactly one */
    public Recorded onlyRequest() {
        var all = requests();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + all.size());
        }
        return all.get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        var headers = new TreeMap<String, List<String>>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        String body;
        try (var in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));

        var reply = replies.poll();
        if (reply == null) {
            reply = Reply.status(500).chunk("{\"error\":\"no scripted reply left\"}");
        }
        reply.headers.forEach(header -> exchange.getResponseHeaders().add(header[0], header[1]));
        // chunked transfer for any body, so each chunk reaches the client when it is written
        exchange.sendResponseHeaders(reply.status, reply.steps.isEmpty() ? -1 : 0);
        var out = exchange.getResponseBody();
        for (var step : reply.steps) {
            if (step instanceof Chunk chunk) {
                out.write(chunk.text().getBytes(StandardCharsets.UTF_8));
                out.flush();
            } else if (step instanceof Pause pause) {
                awaitClose(pause.duration());
            } else if (step instanceof Cut) {
                throw new AbruptClose();
            } else if (step instanceof Hang) {
                awaitClose(Duration.ofDays(1));
                throw new AbruptClose();
            }
        }
        out.close();
        exchange.close();
    }

    private void awaitClose(Duration duration) {
        try {
            closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AbruptClose();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
