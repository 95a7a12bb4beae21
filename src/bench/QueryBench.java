import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * POST /query throughput and latency: N concurrent clients, each in its own session, each
 * sending its next prompt when the previous answer arrived (closed loop). Run by src/bench/bench.
 * Usage: java QueryBench.java BASE_URL TOKEN CLIENTS SECONDS WARMUP_SECONDS
 */
public class QueryBench {

    /** The benchmark's report goes through java.util.logging, one plain line per record. */
    static final java.util.logging.Logger REPORT = report();

    static java.util.logging.Logger report() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
        return java.util.logging.Logger.getLogger("rafiki.bench");
    }

    static void report(String format, Object... args) {
        REPORT.info(String.format(format, args));
    }

    static final Pattern SESSION = Pattern.compile("\"session_id\":\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        // several nodes (comma-separated): the clients are spread over them
        var bases = java.util.Arrays.stream(args[0].split(",")).map(URI::create).toList();
        var token = args[1];
        int clients = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        long warmup = Long.parseLong(args[4]);
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        var pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        var futures = new ArrayList<Future<List<Long>>>();
        for (int c = 0; c < clients; c++) {
            var base = bases.get(c % bases.size());
            futures.add(pool.submit(() -> {
                var latencies = new ArrayList<Long>();
                String session = null;
                int n = 0;
                while (System.nanoTime() < end) {
                    var body = session == null ? "{\"prompt\":\"bench " + n + "\"}"
                            : "{\"prompt\":\"bench " + n + "\",\"session_id\":\"" + session + "\"}";
                    var request = HttpRequest.newBuilder(base.resolve("/query"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long t0 = System.nanoTime();
                    var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                    }
                    if (session == null) {
                        var m = SESSION.matcher(response.body());
                        m.find();
                        session = m.group(1);
                    }
                    if (t0 >= measureFrom) {
                        latencies.add(t1 - t0);
                    }
                    n++;
                }
                return latencies;
            }));
        }
        var all = new ArrayList<Long>();
        for (var f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        Collections.sort(all);
        double rps = all.size() / (double) seconds;
        report("POST /query, echo model, %d clients in distinct sessions, %d s measured after %d s warm-up:",
                clients, seconds, warmup);
        report("  requests: %d  throughput: %.1f req/s  p50: %.1f ms  p90: %.1f ms  p99: %.1f ms  max: %.1f ms",
                all.size(), rps, pct(all, 50), pct(all, 90), pct(all, 99), all.get(all.size() - 1) / 1e6);
    }

    static double pct(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
