import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Stream figures, run by src/bench/bench; one line per figure (milliseconds).
 *
 * ttft: one /query_stream WebSocket, WARMUP then SAMPLES prompts in a row (the next sent when the
 * previous one's terminal event arrived), the measured ones in one session: send → first message.delta, and
 * send → prompt.completed, as {@link BenchWs}'s reading thread saw them arrive. Until session 17
 * this was the JDK WebSocket client, whose selector and executor threads hand each frame on
 * twice: it took about twice this client's CPU for the row (user time for 1 200 prompts, JVM
 * start included: 1.7-2.7 s against 0.8-1.2 s), CPU the two cores' server did not get. Given the
 * WebSocket ceiling's figures (CeilingWs, the same client against an empty server, run first by
 * the bench), it prints the ratios to them too. WARMUP is a number of prompts or a time ("30s"):
 * until session 21 it was 1 000 prompts, after which the server's C2 compiler was still recompiling
 * the prompt path (the agent loop and the fast lane's run, 100-220 ms of compiler CPU each, 0.9 s of
 * the compiler thread's CPU in 3 s of the row, perf sched): the server's CPU per prompt fell from
 * 2.3 ms in the first 3 000 prompts to 0.6 ms after 12 000, and the first token's p99 from 7-8 ms to
 * about 5 ms, on a server that had run rows 1 and 2. A timed warm-up changes sessions every
 * {@link #WARMUP_SESSION_PROMPTS} prompts, and prints its own figures.
 *
 * fanout: SUBSCRIBERS /ws clients (spread over the nodes) subscribe to one new session, then
 * PROMPTS prompts are sent to it one after another with POST /query (each waited for, on the
 * first node): for every prompt and every subscriber, the time from sending the prompt to the
 * arrival of its prompt.completed at that subscriber, with the count of completions lost (never
 * arrived) and duplicated (arrived more than once). The subscribers are {@link BenchWs}'s, all read
 * by one thread: until session 13 they were 500 JDK WebSocket clients, about two thirds of a core
 * of the two during the row. WARMUP_ROUNDS whole rounds (new session, new subscribers) run first
 * and are reported as such, not as the row's figure: until session 18 the row had none, and it
 * measured the server compiling its fan-out path (the JIT compiler thread took 31 % of the
 * server's CPU samples during the first round on a server that had run rows 2, 3 and 5, 23 % in the
 * fourth, 5 % in the tenth; p99 fell from 247 to 112-160 ms over those rounds; three rounds on a
 * fresh server read 188, 160 and 99.9 ms). Then ROUNDS measured rounds (3), each printed, and the
 * medians of their p50 and p99: one round's p99 moved by a third from one round to the next.
 *
 * Usage: java -cp CLASSES StreamBench ttft BASE_URL TOKEN WARMUP SAMPLES [CEILING_P50_MS CEILING_P99_MS]
 *        java -cp CLASSES StreamBench fanout BASE_URL[,BASE_URL...] TOKEN SUBSCRIBERS PROMPTS [WARMUP_ROUNDS] [ROUNDS]
 */
public class StreamBench {

    /** Figures on standard output, where the bench script reads them; problems on standard error. */
    static final java.util.logging.Logger REPORT = BenchReport.logger();

    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    static final Pattern SESSION = Pattern.compile("\"session_id\":\"([0-9a-f-]{36})\"");
    static final Pattern PROMPT = Pattern.compile("\"prompt_id\":\"([0-9a-f-]{36})\"");
    static final Pattern TYPE = Pattern.compile("^\\{\"type\":\"([a-z_.]+)\"");

    public static void main(String[] args) throws Exception {
        var bases = java.util.Arrays.stream(args[1].split(",")).map(URI::create).toList();
        var token = args[2];
        int a = args[3].endsWith("s") ? 0 : Integer.parseInt(args[3]);
        int b = Integer.parseInt(args[4]);
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        switch (args[0]) {
            case "ttft" -> timeToFirstToken(ws(bases.get(0)), token, args[3], b,
                    args.length > 6 ? new double[] {Double.parseDouble(args[5]), Double.parseDouble(args[6])} : null);
            case "fanout" -> {
                int warmupRounds = args.length > 5 ? Integer.parseInt(args[5]) : 2;
                for (int round = 1; round <= warmupRounds; round++) {
                    fanOut(bases, token, http, a, b, "fan-out warm-up round " + round + " of " + warmupRounds + " (not the row's figure)");
                }
                int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
                var p50s = new ArrayList<Double>();
                var p99s = new ArrayList<Double>();
                long lost = 0;
                long duplicated = 0;
                for (int round = 1; round <= rounds; round++) {
                    var figures = fanOut(bases, token, http, a, b, "fan-out round " + round + " of " + rounds);
                    p50s.add(figures[0]);
                    p99s.add(figures[1]);
                    lost += (long) figures[2];
                    duplicated += (long) figures[3];
                }
                REPORT.info(String.format("fan-out: %d /ws subscribers × %d prompts, median of %d rounds p50 %.1f ms, p99 %.1f ms"
                                + " (p99 of the rounds: %s); lost %d, duplicated %d in all rounds", a, b, rounds,
                        BenchReport.median(p50s), BenchReport.median(p99s), BenchReport.listed(p99s), lost, duplicated));
            }
            default -> throw new IllegalArgumentException("ttft or fanout, not " + args[0]);
        }
        System.exit(0); // the WebSockets' threads are not daemons
    }

    static URI ws(URI base) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort());
    }

    static String type(String frame) {
        var m = TYPE.matcher(frame);
        return m.find() ? m.group(1) : "";
    }

    static boolean terminal(String type) {
        return type.equals("prompt.completed") || type.equals("prompt.failed") || type.equals("prompt.cancelled");
    }

    /** A message as the reading thread got it. */
    record Frame(String text, long arrivedNanos) {
    }

    /** A warm-up session is left for a new one after this many prompts: a session's history stays the size of a busy one's. */
    static final int WARMUP_SESSION_PROMPTS = 5_000;

    /**
     * {@code warmup}: a number of prompts, or seconds ("30s") of prompts in a row, in sessions of at
     * most {@link #WARMUP_SESSION_PROMPTS}; the measured prompts follow in the last of them.
     * {@code ceiling}: the WebSocket ceiling's first-token p50 and p99 (ms), to print ratios to, or null.
     */
    static void timeToFirstToken(URI ws, String token, String warmupArg, int samples, double[] ceiling) throws Exception {
        long warmupNanos = warmupArg.endsWith("s")
                ? TimeUnit.SECONDS.toNanos(Long.parseLong(warmupArg.substring(0, warmupArg.length() - 1))) : -1;
        int warmup = warmupNanos >= 0 ? Integer.MAX_VALUE : Integer.parseInt(warmupArg);
        long warmupStarted = System.nanoTime();
        var warmupFirstToken = new ArrayList<Long>();
        var firstToken = new ArrayList<Long>();
        var complete = new ArrayList<Long>();
        var frames = new LinkedBlockingQueue<Frame>();
        var socket = new BenchWs(new BenchWs.Handler() {
            @Override
            public void text(int connection, String message, long arrivedNanos) {
                frames.add(new Frame(message, arrivedNanos));
            }

            @Override
            public void closed(int connection, String why) {
                frames.add(new Frame("{\"type\":\"error\",\"closed\":\"" + why + "\"}", System.nanoTime()));
            }
        });
        int stream = socket.open(ws.resolve("/query_stream"), token, null);
        socket.start();
        String session = null;
        int noToken = 0;
        int notCompleted = 0;
        int resent = 0;
        for (int i = 0; i < (long) warmup + samples; i++) {
            if (warmupNanos >= 0 && warmup == Integer.MAX_VALUE && System.nanoTime() - warmupStarted >= warmupNanos) {
                warmup = i; // the time is up: this prompt is the first measured one
            }
            if (i < warmup && i > 0 && i % WARMUP_SESSION_PROMPTS == 0) {
                session = null;
            }
            var frame = "{\"prompt\":\"ttft probe " + i + "\"" + (session == null ? "" : ",\"session_id\":\"" + session + "\"") + "}";
            long start = System.nanoTime();
            socket.send(stream, frame);
            long first = -1;
            long done;
            String end;
            while (true) {
                var received = frames.poll(60, TimeUnit.SECONDS);
                if (received == null) {
                    throw new IllegalStateException("prompt " + i + ": no frame within 60 s");
                }
                var type = type(received.text());
                if (type.equals("error") && received.text().contains("\"code\":\"session-busy\"") && resent < 1000) {
                    // the stream may still be finishing the previous prompt just after its terminal
                    // event: send again shortly; the time still counts from the first send
                    resent++;
                    Thread.sleep(2);
                    socket.send(stream, frame);
                    continue;
                }
                if (type.equals("error")) {
                    throw new IllegalStateException("prompt " + i + ": " + received.text());
                }
                if (session == null && type.equals("accepted")) {
                    var m = SESSION.matcher(received.text());
                    if (m.find()) {
                        session = m.group(1);
                    }
                }
                if (first < 0 && type.equals("message.delta")) {
                    first = received.arrivedNanos();
                }
                if (terminal(type)) {
                    end = type;
                    done = received.arrivedNanos();
                    break;
                }
            }
            if (i < warmup && first >= 0) {
                warmupFirstToken.add(first - start);
            }
            if (i >= warmup) {
                if (first < 0) {
                    noToken++;
                } else {
                    firstToken.add(first - start);
                }
                if (!end.equals("prompt.completed")) {
                    notCompleted++;
                }
                complete.add(done - start);
            }
        }
        socket.close();
        Collections.sort(firstToken);
        Collections.sort(complete);
        double p50 = pct(firstToken, 50);
        double p99 = pct(firstToken, 99);
        var ratios = ceiling == null ? "" : String.format(" (%.1f× and %.1f× the WebSocket ceiling's %.3f / %.3f ms)",
                p50 / ceiling[0], p99 / ceiling[1], ceiling[0], ceiling[1]);
        Collections.sort(warmupFirstToken);
        var warmedUp = warmupNanos < 0 ? warmup + " warm-up"
                : String.format("%d warm-up prompts in %s (their first token p50 %.3f ms, p99 %.3f ms)", warmup, warmupArg,
                        pct(warmupFirstToken, 50), pct(warmupFirstToken, 99));
        REPORT.info(String.format("/query_stream, echo model, one client, %d prompts in a row after %s: time to first token"
                        + " p50 %.3f ms, p99 %.3f ms%s; to prompt.completed p50 %.3f ms, p99 %.3f ms (%d without a message.delta,"
                        + " %d not completed, %d sent again after session-busy: the stream still followed the previous"
                        + " prompt after its terminal event)", samples, warmedUp, p50, p99, ratios,
                pct(complete, 50), pct(complete, 99), noToken, notCompleted, resent));
    }

    /** A prompt.completed (or another terminal event) arriving at a subscriber. */
    record Arrival(String prompt, long at, String type) {
    }

    /** @return p50 and p99 in ms, lost and duplicated completions */
    static double[] fanOut(List<URI> bases, String token, HttpClient http, int subscribers, int prompts, String label)
            throws Exception {
        var base = bases.get(0);
        var create = http.send(HttpRequest.newBuilder(base.resolve("/session")).timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        var m = ID.matcher(create.body());
        if (create.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("POST /session answered " + create.statusCode() + ": " + create.body());
        }
        var session = m.group(1);

        // subscribers: each keeps its own list of arrivals, all read by one thread (BenchWs)
        var arrivals = new ArrayList<List<Arrival>>();
        var subscribed = new CountDownLatch(subscribers);
        var problems = new AtomicLong();
        var closed = new AtomicLong();
        for (int i = 0; i < subscribers; i++) {
            arrivals.add(Collections.synchronizedList(new ArrayList<Arrival>()));
        }
        var sockets = new BenchWs(new BenchWs.Handler() {
            @Override
            public void text(int connection, String frame, long now) {
                var type = type(frame);
                if (terminal(type)) {
                    var p = PROMPT.matcher(frame);
                    arrivals.get(connection).add(new Arrival(p.find() ? p.group(1) : "?", now, type));
                } else if (type.equals("subscribed")) {
                    subscribed.countDown();
                } else if (type.equals("error")) {
                    if (problems.incrementAndGet() <= 3) {
                        REPORT.warning("subscriber got " + frame);
                    }
                }
            }

            @Override
            public void closed(int connection, String why) {
                if (closed.incrementAndGet() <= 3) {
                    REPORT.warning("a subscriber was closed: " + why);
                }
            }
        });
        long connectStart = System.nanoTime();
        var subscribe = "{\"type\":\"subscribe\",\"session_id\":\"" + session + "\"}";
        for (int i = 0; i < subscribers; i++) {
            sockets.open(ws(bases.get(i % bases.size())).resolve("/ws"), token, subscribe);
        }
        sockets.start();
        if (!subscribed.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException((subscribers - subscribed.getCount()) + " of " + subscribers
                    + " subscribers subscribed within 120 s");
        }
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;

        // the prompts, one after another; sent times by prompt id
        var sent = new HashMap<String, Long>();
        int failedPosts = 0;
        for (int r = 0; r < prompts; r++) {
            var request = HttpRequest.newBuilder(base.resolve("/query")).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"fan out " + r + "\",\"session_id\":\"" + session + "\"}"))
                    .build();
            long t0 = System.nanoTime();
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            var p = ID.matcher(response.body());
            if (response.statusCode() != 200 || !p.find()) {
                failedPosts++;
                REPORT.warning("POST /query answered " + response.statusCode() + ": " + response.body());
                continue;
            }
            sent.put(p.group(1), t0);
        }

        // wait (bounded) until every subscriber has every completion
        long expected = (long) sent.size() * subscribers;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && arrivals.stream().mapToLong(List::size).sum() < expected) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // a duplicate would come about now
        sockets.close();

        var latencies = new ArrayList<Long>();
        long lost = 0;
        long duplicated = 0;
        long unknown = 0;
        long notCompleted = 0;
        long complete = 0;
        for (var mine : arrivals) {
            var seen = new HashMap<String, Integer>();
            List<Arrival> copy;
            synchronized (mine) {
                copy = new ArrayList<>(mine);
            }
            for (var arrival : copy) {
                var t0 = sent.get(arrival.prompt());
                if (t0 == null) {
                    unknown++;
                    continue;
                }
                if (seen.merge(arrival.prompt(), 1, Integer::sum) > 1) {
                    duplicated++;
                    continue;
                }
                if (!arrival.type().equals("prompt.completed")) {
                    notCompleted++;
                }
                latencies.add(arrival.at() - t0);
            }
            lost += sent.size() - seen.size();
            if (seen.size() == sent.size() && copy.size() == sent.size()) {
                complete++;
            }
        }
        Collections.sort(latencies);
        REPORT.info(String.format("%s: %d /ws subscribers of one session (all subscribed in %.1f s), %d prompts one after another"
                        + " (POST /query): prompt sent → prompt.completed at each subscriber p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                        + " over %d arrivals; lost %d, duplicated %d of %d expected (%d subscribers got each exactly once;"
                        + " %d prompts failed to send, %d terminal events not completed, %d of unknown prompts,"
                        + " %d subscriber errors, %d closed early)",
                label, subscribers, connectSeconds, prompts, pct(latencies, 50), pct(latencies, 99),
                latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1) / 1e6, latencies.size(), lost, duplicated,
                expected, complete, failedPosts, notCompleted, unknown, problems.get(), closed.get()));
        return new double[] {pct(latencies, 50), pct(latencies, 99), lost, duplicated};
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
