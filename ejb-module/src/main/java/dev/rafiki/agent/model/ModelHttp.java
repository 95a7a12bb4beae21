package dev.rafiki.agent.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP exchange every streaming provider shares: waiting for the response headers while
 * polling cancellation, and reading a bounded error body. What differs per provider (the request,
 * the wording of failures, the stream) stays in the provider.
 */
final class ModelHttp {

    private static final Logger LOG = Logger.getLogger(ModelHttp.class.getName());

    /** How often cancellation is checked while waiting for headers or an error body. */
    static final long POLL_MILLIS = 50;
    /** Error bodies are read only for their message; a proxy could send megabytes. */
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    /** The client enforces the request timeout; this extra deadline only guards against a client that fails to. */
    private static final Duration DEADLINE_SLACK = Duration.ofSeconds(2);

    private ModelHttp() {
    }

    /**
     * Sends asynchronously so that a cancellation (or an interrupt) is seen within
     * {@link #POLL_MILLIS} even while the server keeps us waiting for the headers.
     *
     * @param sendFailure the provider's error for a failed exchange (given the root cause)
     * @param timeout     the provider's error for headers that did not come in time
     */
    static HttpResponse<InputStream> awaitHeaders(HttpClient http, HttpRequest request, Duration connectTimeout,
                                                  BooleanSupplier cancelled, Function<Throwable, ModelException> sendFailure,
                                                  Supplier<ModelException> timeout) throws ModelException {
        var future = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        long deadline = System.nanoTime() + connectTimeout.plus(DEADLINE_SLACK).toNanos();
        while (true) {
            if (cancelled.getAsBoolean()) {
                abandon(future);
                throw cancelledException();
            }
            if (System.nanoTime() - deadline > 0) {
                abandon(future);
                throw timeout.get();
            }
            try {
                return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                // poll cancellation and the deadline again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abandon(future);
                throw cancelledException();
            } catch (CancellationException e) {
                throw cancelledException();
            } catch (ExecutionException e) {
                throw sendFailure.apply(rootCause(e.getCause()));
            }
        }
    }

    private static Throwable rootCause(Throwable cause) {
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Gives up on a request; a response that still arrives is closed so its connection is freed. */
    private static void abandon(CompletableFuture<HttpResponse<InputStream>> future) {
        future.thenAccept(response -> closeQuietly(response.body()));
        future.cancel(true);
    }

    /**
     * Reads at most {@link #MAX_ERROR_BODY_BYTES}, giving up when the server is silent for the idle
     * timeout or the call is cancelled: a watchdog closes the body, which unblocks the read. A body
     * that cannot be read costs only the detail of the message, never the status-based error.
     *
     * @throws ModelException {@code model-cancelled} when the call was cancelled meanwhile
     */
    static String readErrorBody(InputStream body, Duration idleTimeout, BooleanSupplier cancelled,
                                ScheduledExecutorService timer) throws ModelException {
        long idleNanos = idleTimeout.toNanos();
        var lastProgress = new AtomicLong(System.nanoTime());
        ScheduledFuture<?> watchdog;
        try {
            watchdog = timer.scheduleWithFixedDelay(() -> {
                if (cancelled.getAsBoolean() || System.nanoTime() - lastProgress.get() > idleNanos) {
                    closeQuietly(body);
                }
            }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // e.g. a timer already shut down: still give the connection back
            closeQuietly(body);
            throw e;
        }
        var bytes = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        try {
            int n;
            while (bytes.size() < MAX_ERROR_BODY_BYTES
                    && (n = body.read(buffer, 0, Math.min(buffer.length, MAX_ERROR_BODY_BYTES - bytes.size()))) >= 0) {
                bytes.write(buffer, 0, n);
                lastProgress.set(System.nanoTime());
            }
        } catch (IOException e) {
            if (cancelled.getAsBoolean()) {
                throw cancelledException();
            }
            LOG.log(Level.FINE, "could not read the error body", e);
        } finally {
            watchdog.cancel(false);
            closeQuietly(body);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing only releases the connection
        }
    }

    /**
     * What an HTTP error status means for a model call, the same for every provider: whether a
     * retry may help and how long the provider asks to wait. The message carries the provider's
     * own words; the code is what clients see.
     */
    static ModelException statusError(int status, String message, HttpHeaders headers) {
        if (status == 401 || status == 403) {
            return new ModelException("model-unauthorized", message, false, null);
        }
        if (status == 429) {
            return new ModelException("model-rate-limited", message, true, retryAfter(headers).orElse(null));
        }
        if (status == 408) {
            // the server gave up waiting, as a timeout on our side would have
            return new ModelException("model-timeout", message, true, null);
        }
        if (status >= 500) {
            // includes Anthropic's 529 "overloaded"
            return new ModelException("model-unavailable", message, true, retryAfter(headers).orElse(null));
        }
        return new ModelException("model-bad-request", message, false, null);
    }

    /**
     * Retry-After as seconds (fractions allowed) or as an HTTP date; a {@code retry-after-ms}
     * header (OpenAI's) is finer, so it wins.
     */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        var millis = headers.firstValue("retry-after-ms").map(String::strip);
        if (millis.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get()))));
            } catch (NumberFormatException ignored) {
                // fall back to Retry-After
            }
        }
        var value = headers.firstValue("retry-after").map(String::strip).orElse("");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(value);
            return seconds < 0 || Double.isNaN(seconds) ? Optional.empty()
                    : Optional.of(Duration.ofMillis((long) Math.ceil(Math.min(seconds, 86_400) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                var wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    static ModelException cancelledException() {
        return new ModelException("model-cancelled", "the model call was cancelled", false, null);
    }
}
