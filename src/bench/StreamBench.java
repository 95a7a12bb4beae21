import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Stream figures, run by src/bench/bench: time to first token over /query_stream, and the
 * delivery latency of session events to many /ws subscribers (from the event's commit time,
 * created_at, to its arrival; same machine, same clock).
 * Usage: java StreamBench.java BASE_URL TOKEN SUBSCRIBERS ROUNDS
 */
public class StreamBench {

    /** The benchmark's report goes through java.util.logging, one plain line per record. */
    static final java.util.logging.Logger REPORT = report();

    static java.util.logging.Logger report() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
        return java.util.logging.Logger.getLogger("rafiki.bench");
    }

    static void report(String format, Object... args) {
        REPORT.info(String.format(format, args));
    }

    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    static final Pattern TYPE = Pattern.compile("^\\{\"type\":\"([a-z_.]+)\"");
    static final Pattern CREATED = Pattern.compile("\"created_at\":\"([^\"]+)\"");
    static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    public static void main(String[] args) throws Exception {
        // several nodes (comma-separated): subscribers are spread over them, prompts go to the first,
        // so most deliveries cross nodes
        var bases = java.util.Arrays.stream(args[0].split(",")).map(URI::create).toList();
        var base = bases.get(0);
        var token = args[1];
        int subscribers = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var ws = URI.create("ws://" + base.getHost() + ":" + base.getPort());
        var sockets = bases.stream().map(b -> URI.create("ws://" + b.getHost() + ":" + b.getPort())).toList();
        timeToFirstToken(ws, token, http, 10, 100);
        fanOut(base, sockets, token, http, subscribers, rounds);
        System.exit(0);
    }

    static void timeToFirstToken(URI ws, String token, HttpClient http, int warmup, int samples) throws Exception {
        var firstToken = new ArrayList<Long>();
        var complete = new ArrayList<Long>();
        var frames = new java.util.concurrent.LinkedBlockingQueue<String>();
        var socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(ws.resolve("/query_stream"), listener(frames)).join();
        String session = null;
        for (int i = 0; i < warmup + samples; i++) {
            long start = System.nanoTime();
            socket.sendText("{\"prompt\":\"ttft probe " + i + "\"" + (session == null ? "" : ",\"session_id\":\"" + session + "\"") + "}", true).join();
            long first = -1;
            while (true) {
                var frame = frames.poll(30, TimeUnit.SECONDS);
                if (frame == null) {
                    throw new IllegalStateException("no frame within 30 s");
                }
                if (session == null && frame.startsWith("{\"type\":\"accepted\"")) {
                    var m = Pattern.compile("\"session_id\":\"([0-9a-f-]{36})\"").matcher(frame);
                    m.find();
                    session = m.group(1);
                }
                if (first < 0 && frame.startsWith("{\"type\":\"message.delta\"")) {
                    first = System.nanoTime();
                }
                if (frame.startsWith("{\"type\":\"prompt.completed\"") || frame.startsWith("{\"type\":\"prompt.failed\"")) {
                    break;
                }
            }
            if (i >= warmup) {
                firstToken.add(first - start);
                complete.add(System.nanoTime() - start);
            }
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        Collections.sort(firstToken);
        Collections.sort(complete);
        report("/query_stream, echo model, one client, %d prompts after %d warm-up:", samples, warmup);
        report("  time to first token p50: %.1f ms  p99: %.1f ms;  to prompt.completed p50: %.1f ms  p99: %.1f ms",
                pct(firstToken, 50), pct(firstToken, 99), pct(complete, 50), pct(complete, 99));
    }

    static void fanOut(URI base, List<URI> nodes, String token, HttpClient http, int subscribers, int rounds) throws Exception {
        var create = http.send(HttpRequest.newBuilder(base.resolve("/session")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        var m = ID.matcher(create.body());
        m.find();
        var session = m.group(1);
        var latencies = new ConcurrentLinkedQueue<Long>();
        var received = new AtomicLong();
        var subscribed = new CountDownLatch(subscribers);
        var sockets = new ArrayList<WebSocket>();
        var seqsPerSubscriber = new ArrayList<ConcurrentLinkedQueue<Long>>();
        for (int i = 0; i < subscribers; i++) {
            var ws = nodes.get(i % nodes.size());
            var seqs = new ConcurrentLinkedQueue<Long>();
            seqsPerSubscriber.add(seqs);
            var socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(ws.resolve("/ws"), new WebSocket.Listener() {
                        final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                var frame = partial.toString();
                                partial.setLength(0);
                                var arrived = Instant.now();
                                if (frame.startsWith("{\"type\":\"subscribed\"")) {
                                    subscribed.countDown();
                                } else if (frame.contains("\"seq\":")) {
                                    var created = CREATED.matcher(frame);
                                    var seq = SEQ.matcher(frame);
                                    if (created.find() && seq.find()) {
                                        latencies.add(Duration.between(Instant.parse(created.group(1)), arrived).toNanos());
                                        seqs.add(Long.parseLong(seq.group(1)));
                                        received.incrementAndGet();
                                    }
                                }
                            }
                            w.request(1);
                            return null;
                        }
                    }).join();
            socket.sendText("{\"type\":\"subscribe\",\"session_id\":\"" + session + "\"}", true).join();
            sockets.add(socket);
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not all subscribers were subscribed");
        }
        for (int r = 0; r < rounds; r++) {
            var response = http.send(HttpRequest.newBuilder(base.resolve("/query")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"fan out " + r + "\",\"session_id\":\"" + session + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
        }
        var events = http.send(HttpRequest.newBuilder(base.resolve("/session/" + session + "/events?limit=1000"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
        long perSubscriber = SEQ.matcher(events).results().count();
        long expected = perSubscriber * subscribers;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long complete = seqsPerSubscriber.stream().filter(s -> s.size() == perSubscriber
                && s.stream().distinct().count() == perSubscriber).count();
        sockets.forEach(s -> s.abort());
        var sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        report("fan-out: %d /ws subscribers on one session, %d prompts, %d events each:", subscribers, rounds, perSubscriber);
        report("  deliveries: %d of %d expected; subscribers with every event exactly once: %d of %d;  "
                + "commit-to-arrival p50: %.1f ms  p99: %.1f ms  max: %.1f ms", received.get(), expected, complete,
                subscribers, pct(sorted, 50), pct(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
    }

    static WebSocket.Listener listener(java.util.concurrent.BlockingQueue<String> frames) {
        return new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        };
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
