import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The latency of one POST /query at a time: a fresh session (POST /session {}), then WARMUP
 * prompts and SAMPLES measured prompts in it, each sent when the previous answer arrived, over
 * one keep-alive HTTP/1.1 connection. Run by src/bench/bench against Rafiki and against the
 * ceiling (Ceiling.java). Prints one line "seq-figures key=value ..." (milliseconds).
 * Usage: java -cp CLASSES QueryBench BASE_URL TOKEN WARMUP SAMPLES
 */
public class QueryBench {

    /** Figures on standard output, where the bench script reads them; problems on standard error. */
    static final java.util.logging.Logger REPORT = BenchReport.logger();

    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        var base = URI.create(args[0]);
        var token = args[1];
        int warmup = Integer.parseInt(args[2]);
        int samples = Integer.parseInt(args[3]);
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        var created = http.send(post(base.resolve("/session"), token, "{}"), HttpResponse.BodyHandlers.ofString());
        var id = ID.matcher(created.body());
        if (created.statusCode() / 100 != 2 || !id.find()) {
            throw new IllegalStateException("POST /session answered " + created.statusCode() + ": " + created.body());
        }
        var session = id.group(1);
        var latencies = new ArrayList<Long>();
        int errors = 0;
        for (int i = 0; i < warmup + samples; i++) {
            var request = post(base.resolve("/query"), token,
                    "{\"prompt\":\"one at a time " + i + "\",\"session_id\":\"" + session + "\"}");
            long t0 = System.nanoTime();
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            if (response.statusCode() != 200 || !response.body().contains("\"session_id\":\"" + session + "\"")) {
                errors++;
                if (errors <= 3) {
                    REPORT.warning("POST /query answered " + response.statusCode() + ": " + response.body());
                }
            }
            if (i >= warmup) {
                latencies.add(t1 - t0);
            }
        }
        Collections.sort(latencies);
        REPORT.info(String.format("seq-figures n=%d p50=%.3f p90=%.3f p99=%.3f max=%.3f errors=%d", latencies.size(),
                pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), latencies.get(latencies.size() - 1) / 1e6, errors));
    }

    static HttpRequest post(URI uri, String token, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static double pct(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
