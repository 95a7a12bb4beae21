package dev.rafiki.job.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the webhook outbox: signed POSTs, retried with exponential backoff. Each node polls
 * for due deliveries (and is kicked when a job ends), so deliveries go on after any node dies.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());
    private static final int BATCH = 32;

    @Inject
    WebhookOutbox outbox;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** Not the scheduler's threads: the polling round waits for these, and must not wait for itself. */
    @Resource
    ManagedExecutorService recorder;

    @Inject
    JobSettings settings;

    private final AtomicBoolean polling = new AtomicBoolean();
    private HttpClient client;
    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        // never follow redirects: a public URL must not be able to bounce the POST inward
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(Math.min(5, settings.webhookTimeoutSeconds)))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        schedule = scheduler.scheduleWithFixedDelay(this::poll, settings.webhookPollMillis, settings.webhookPollMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        schedule.cancel(false);
    }

    /** A job just ended: deliver without waiting for the next poll. */
    public void kick() {
        scheduler.execute(this::poll);
    }

    private void poll() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        try {
            var lease = Duration.ofSeconds(settings.webhookTimeoutSeconds * 2 + 5);
            while (true) {
                var due = outbox.claimDue(BATCH, lease);
                if (due.isEmpty()) {
                    return;
                }
                var sends = new ArrayList<CompletableFuture<Void>>();
                for (var delivery : due) {
                    sends.add(send(delivery));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            }
        } catch (RuntimeException e) {
            // the database may be away; the next poll tries again
            LOG.log(Level.WARNING, "webhook delivery round failed: " + e.getMessage());
        } finally {
            polling.set(false);
        }
    }

    private CompletableFuture<Void> send(WebhookOutbox.Due due) {
        var started = Instant.now();
        long t0 = System.nanoTime();
        URI uri;
        try {
            uri = URI.create(due.url());
        } catch (IllegalArgumentException e) {
            record(due, started, t0, null, "invalid url");
            return CompletableFuture.completedFuture(null);
        }
        var refused = dev.rafiki.platform.net.OutboundTargets.resolvedProblem(uri, settings.webhookAllowPrivateNetworks);
        if (refused != null) {
            record(due, started, t0, null, refused);
            return CompletableFuture.completedFuture(null);
        }
        long timestamp = started.getEpochSecond();
        var request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(settings.webhookTimeoutSeconds))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Rafiki-Webhooks/1")
                .header("webhook-id", due.messageId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.sign(due.secret(), due.messageId(), timestamp, due.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(due.payload()))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                // recorded on a container thread: the HTTP client's own threads know no transactions
                .handleAsync((response, failure) -> {
                    if (failure != null) {
                        var cause = failure.getCause() != null ? failure.getCause() : failure;
                        record(due, started, t0, null, cause.getClass().getSimpleName()
                                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                    } else {
                        record(due, started, t0, response.statusCode(),
                                response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode());
                    }
                    return null;
                }, recorder);
    }

    private void record(WebhookOutbox.Due due, Instant started, long t0, Integer status, String error) {
        var retry = dev.rafiki.prompt.control.Retries.backoff(due.attempt(), Duration.ofMillis(settings.webhookBackoffMillis),
                Duration.ofMillis(settings.webhookMaxBackoffMillis));
        try {
            outbox.record(due, started, (System.nanoTime() - t0) / 1_000_000, status,
                    error == null ? null : error.length() > 500 ? error.substring(0, 500) : error, settings.webhookMaxAttempts,
                    retry);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record webhook attempt " + due.attempt() + " of " + due.messageId(), e);
        }
    }
}
