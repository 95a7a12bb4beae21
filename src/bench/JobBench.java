import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * End-to-end job throughput: JOBS echo-model jobs (each in its own session, as POST /submit does
 * without one) submitted by CLIENTS concurrent clients, each sending its next submission when the
 * previous one was accepted (a 503 is retried after its Retry-After with the same
 * Idempotency-Key, as a careful client does). Once the submissions are all sent, each client
 * follows the jobs it submitted, in order, with GET /jobs/{id} until each has ended (one request
 * at a time per client, a pause of 20 ms while the job it looks at is not done). Reports jobs/s =
 * JOBS / (first submission sent → last job seen ended), and submit → done per job (from sending
 * its submission to the job's own finished_at; same machine, same clock).
 * <p>
 * Until issue 12's second round one single client polled every job, in the order accepted, with
 * 100 ms pauses: it measured that client's 500 sequential round trips more than the server.
 * Unmeasured rounds of the same shape run first for WARMUP_SECONDS (60 unless given; a count of 200,
 * then 1 000 jobs until session 19, which left the server's JIT compiling the job path), then ROUNDS
 * measured rounds (5), each printed, and their median. Each client is
 * one keep-alive connection of {@link BenchHttp}: until session 12 they shared a JDK HttpClient,
 * which took a third to a half of the two cores during the row.
 * Run by src/bench/bench. Usage: java -cp CLASSES JobBench BASE_URL[,BASE_URL...] TOKEN JOBS CLIENTS [WARMUP_SECONDS] [ROUNDS]
 */
public class JobBench {

    /** Figures on standard output, where the bench script reads them; problems on standard error. */
    static final java.util.logging.Logger REPORT = BenchReport.logger();

    // the job's own id: the bench names no agent profile, whose member (agent.id) would come first
    static final Pattern JOB = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
    static final Pattern FINISHED = Pattern.compile("\"finished_at\":\"([^\"]+)\"");

    /** An accepted job, with the wall-clock time its (first) submission was sent. */
    record Accepted(String id, Instant sent) {
    }

    public static void main(String[] args) throws Exception {
        // several nodes (comma-separated): the clients are spread over them
        var bases = java.util.Arrays.stream(args[0].split(",")).map(URI::create).toList();
        var token = args[1];
        int jobs = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        int warmupSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        // unmeasured rounds of the same shape for WARMUP_SECONDS: with 1 000 warm-up jobs (about two
        // seconds) the row measured Payara's JIT still compiling the job path, a third of the CPU
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        int warmupRounds = 0;
        do {
            round(bases, token, jobs, clients, null);
            warmupRounds++;
        } while (System.nanoTime() < warmupEnd);
        REPORT.info(String.format("jobs warm-up: %d rounds of %d jobs in %d s (not the row's figure)", warmupRounds, jobs, warmupSeconds));
        var rates = new ArrayList<Double>();
        for (int r = 1; r <= rounds; r++) {
            rates.add(round(bases, token, jobs, clients, "jobs round " + r + " of " + rounds));
        }
        REPORT.info(String.format("jobs: %d echo jobs by %d clients, median of %d rounds %.1f jobs/s (rounds: %s)", jobs, clients,
                rounds, BenchReport.median(rates), BenchReport.listed(rates)));
    }

    /** One round; prints its figures under {@code label} unless null. @return jobs/s */
    static double round(List<URI> bases, String token, int jobs, int clients, String label)
            throws InterruptedException {
        var next = new AtomicInteger();
        var retried = new AtomicInteger();
        var refused = new ConcurrentLinkedQueue<String>();
        var latencies = Collections.synchronizedList(new ArrayList<Long>());
        var failed = new AtomicInteger();
        var polls = new AtomicInteger();
        var acceptedCount = new AtomicInteger();
        var lastAccepted = new AtomicLong();
        var lastDone = new AtomicLong();
        var submitted = new CountDownLatch(clients);
        long runId = System.currentTimeMillis();

        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(300);
        lastAccepted.set(start);
        lastDone.set(start);
        var threads = new ArrayList<Thread>();
        for (int c = 0; c < clients; c++) {
            var base = bases.get(c % bases.size());
            var client = new Thread(() -> {
                var mine = new ArrayList<Accepted>();
                try (var http = new BenchHttp(base, 60_000)) {
                    try {
                        submit(http, token, runId, jobs, next, retried, refused, mine);
                    } finally {
                        acceptedCount.addAndGet(mine.size());
                        lastAccepted.accumulateAndGet(System.nanoTime(), Math::max);
                        submitted.countDown();
                    }
                    submitted.await();
                    for (var job : mine) {
                        follow(http, token, job, deadline, latencies, failed, polls, lastDone);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            client.setDaemon(true);
            client.start();
            threads.add(client);
        }
        for (var thread : threads) {
            thread.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1000);
        }
        boolean timedOut = System.nanoTime() >= deadline;
        int done = latencies.size();
        double seconds = (lastDone.get() - start) / 1e9;
        var sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (label == null) {
            return done / seconds;
        }
        refused.stream().limit(3).forEach(r -> REPORT.warning(String.valueOf(r)));
        REPORT.info(String.format("%s: %d echo jobs submitted by %d clients (POST /submit; all accepted %.1f s after the first was sent,"
                        + " %d submissions retried after 503, %d refused), polled by the same clients with GET /jobs/{id}: %d ended %.2f s"
                        + " after the first submission = %.1f jobs/s; submit → done p50 %s ms, p99 %s ms (%d not completed, %d polls%s)",
                label, jobs, clients, (lastAccepted.get() - start) / 1e9, retried.get(), refused.size(), done, seconds,
                done / seconds, pct(sorted, 50), pct(sorted, 99), failed.get(), polls.get(),
                timedOut ? "; gave up after 300 s with " + (jobs - refused.size() - done) + " jobs not ended" : ""));
        return done / seconds;
    }

    /** Submits jobs from the shared counter until none is left; the accepted ones go to {@code mine}. */
    static void submit(BenchHttp http, String token, long runId, int jobs, AtomicInteger next, AtomicInteger retried,
                       ConcurrentLinkedQueue<String> refused, List<Accepted> mine) throws InterruptedException {
        for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
            var headers = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json",
                    "Idempotency-Key", "bench-" + runId + "-" + i);
            var body = "{\"prompt\":\"bench job " + i + " of " + jobs + "\"}";
            var sent = Instant.now();
            for (int attempt = 1; ; attempt++) {
                BenchHttp.Answer response;
                try {
                    response = http.send("POST", "/submit", headers, body);
                } catch (java.io.IOException e) {
                    if (attempt >= 30) {
                        refused.add("job " + i + ": " + e);
                        break;
                    }
                    Thread.sleep(1000);
                    continue;
                }
                if (response.status() == 503 && attempt < 30) {
                    retried.incrementAndGet();
                    long pause = Long.parseLong(response.headers().getOrDefault("retry-after", "1"));
                    Thread.sleep(Math.min(10, Math.max(1, pause)) * 1000);
                    continue;
                }
                var m = JOB.matcher(response.body());
                if (response.status() != 202 || !m.find()) {
                    refused.add("job " + i + ": HTTP " + response.status() + " " + response.body());
                } else {
                    mine.add(new Accepted(m.group(1), sent));
                }
                break;
            }
        }
    }

    /** Polls one job until it has ended (or the deadline passed). */
    static void follow(BenchHttp http, String token, Accepted job, long deadline, List<Long> latencies,
                       AtomicInteger failed, AtomicInteger polls, AtomicLong lastDone) throws InterruptedException {
        var headers = Map.of("Authorization", "Bearer " + token);
        while (System.nanoTime() < deadline) {
            BenchHttp.Answer response;
            try {
                response = http.send("GET", "/jobs/" + job.id(), headers, null);
            } catch (java.io.IOException e) {
                REPORT.warning("GET /jobs/" + job.id() + ": " + e);
                Thread.sleep(1000);
                continue;
            }
            polls.incrementAndGet();
            var status = STATUS.matcher(response.body());
            var value = response.status() == 200 && status.find() ? status.group(1) : "";
            switch (value) {
                case "completed", "failed", "cancelled" -> {
                    lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                    if (!value.equals("completed")) {
                        failed.incrementAndGet();
                    }
                    var finished = FINISHED.matcher(response.body());
                    if (finished.find()) {
                        latencies.add(Duration.between(job.sent(), Instant.parse(finished.group(1))).toMillis());
                    }
                    return;
                }
                default -> Thread.sleep(20);
            }
        }
    }

    static String pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return Long.toString(sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))));
    }
}
