import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * End-to-end job throughput: N echo-model jobs submitted at once (each in its own session, as
 * POST /submit does without a session), then polled until every one has ended. Reports jobs/s
 * from the first submission to the last job done, and the submit-to-done latency per job (from
 * the job's own timestamps). Run by src/bench/bench. Usage: java JobBench.java BASE_URL TOKEN JOBS
 */
public class JobBench {

    static final java.util.logging.Logger REPORT = report();

    static java.util.logging.Logger report() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
        return java.util.logging.Logger.getLogger("rafiki.bench");
    }

    static void report(String format, Object... args) {
        REPORT.info(String.format(format, args));
    }

    static final Pattern JOB = Pattern.compile("\"job_id\":\"([0-9a-f-]{36})\"");
    static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
    static final Pattern CREATED = Pattern.compile("\"created_at\":\"([^\"]+)\"");
    static final Pattern FINISHED = Pattern.compile("\"finished_at\":\"([^\"]+)\"");

    /** As a careful client does: a 503 is retried after its Retry-After, with the same Idempotency-Key. */
    static CompletableFuture<String> submit(HttpClient http, HttpRequest request,
                                            java.util.concurrent.atomic.AtomicInteger retried) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() == 503) {
                retried.incrementAndGet();
                long pause = Long.parseLong(response.headers().firstValue("Retry-After").orElse("1"));
                return CompletableFuture.supplyAsync(() -> null,
                                CompletableFuture.delayedExecutor(pause, java.util.concurrent.TimeUnit.SECONDS))
                        .thenCompose(ignored -> submit(http, request, retried));
            }
            if (response.statusCode() != 202) {
                throw new IllegalStateException("POST /submit answered " + response.statusCode() + ": " + response.body());
            }
            return CompletableFuture.completedFuture(response.body());
        });
    }

    public static void main(String[] args) throws Exception {
        // several nodes (comma-separated): submissions go round-robin
        var bases = java.util.Arrays.stream(args[0].split(",")).map(URI::create).toList();
        var base = bases.get(0);
        var token = args[1];
        int jobs = Integer.parseInt(args[2]);
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(32)).connectTimeout(Duration.ofSeconds(5)).build();

        long start = System.nanoTime();
        var retried = new java.util.concurrent.atomic.AtomicInteger();
        var submissions = new ArrayList<CompletableFuture<String>>();
        for (int i = 0; i < jobs; i++) {
            submissions.add(submit(http, HttpRequest.newBuilder(bases.get(i % bases.size()).resolve("/submit"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Idempotency-Key", "bench-" + start + "-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"bench job " + i + " of " + jobs + "\"}"))
                    .build(), retried));
        }
        var ids = new ArrayList<String>();
        for (var submission : submissions) {
            var matcher = JOB.matcher(submission.join());
            matcher.find();
            ids.add(matcher.group(1));
        }
        long accepted = System.nanoTime();

        // one cheap request per round, so that watching does not slow what is watched
        var open = HttpRequest.newBuilder(base.resolve("/jobs?status=queued,running&limit=1"))
                .header("Authorization", "Bearer " + token).build();
        while (http.send(open, HttpResponse.BodyHandlers.ofString()).body().contains("\"job_id\"")) {
            Thread.sleep(100);
        }
        long done = System.nanoTime();
        var latencies = Collections.synchronizedList(new ArrayList<Long>());
        var failed = new java.util.concurrent.atomic.AtomicInteger();
        var reads = new ArrayList<CompletableFuture<Void>>();
        for (var id : ids) {
            reads.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/jobs/" + id))
                            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
                    .thenAccept(r -> {
                        var body = r.body();
                        var status = STATUS.matcher(body);
                        status.find();
                        if (!status.group(1).equals("succeeded")) {
                            failed.incrementAndGet();
                        }
                        var created = CREATED.matcher(body);
                        var finished = FINISHED.matcher(body);
                        created.find();
                        finished.find();
                        latencies.add(Duration.between(java.time.Instant.parse(created.group(1)),
                                java.time.Instant.parse(finished.group(1))).toMillis());
                    }));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        double seconds = (done - start) / 1e9;
        Collections.sort(latencies);
        report("jobs: %d echo jobs submitted at once: all accepted in %.1f s, all done in %.1f s = %.1f jobs/s end to end"
                        + " (%d not succeeded, %d submissions retried after 503); submit-to-done p50 %d ms, p99 %d ms",
                jobs, (accepted - start) / 1e9, seconds, jobs / seconds, failed.get(), retried.get(),
                latencies.get(latencies.size() / 2), latencies.get(Math.min(latencies.size() - 1, latencies.size() * 99 / 100)));
    }
}
