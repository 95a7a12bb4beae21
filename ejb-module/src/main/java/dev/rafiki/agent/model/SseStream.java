package dev.rafiki.agent.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Reads a {@code text/event-stream} body event by event, and guarantees the reader never blocks
 * longer than the idle timeout or past a cancellation: a watchdog closes the stream, which
 * unblocks the read. A stream that ends mid-event or is cut is reported, never taken as complete.
 */
public final class SseStream implements AutoCloseable {

    /** One server-sent event; {@code event} is "message" when the stream names none. */
    public record Event(String event, String data) {
    }

    private final InputStream body;
    private final BufferedReader reader;
    private final long idleNanos;
    private final BooleanSupplier cancelled;
    private final ScheduledFuture<?> watchdog;
    private volatile long lastActivity = System.nanoTime();
    private volatile String abortReason;
    /** Only time spent waiting for the server counts as its silence, not the caller's work between events. */
    private volatile boolean reading;

    public SseStream(InputStream body, Duration idleTimeout, BooleanSupplier cancelled, ScheduledExecutorService timer) {
        this.body = body;
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        this.idleNanos = idleTimeout.toNanos();
        this.cancelled = cancelled;
        this.watchdog = timer.scheduleWithFixedDelay(this::watch, 50, 50, TimeUnit.MILLISECONDS);
    }

    private void watch() {
        if (abortReason != null) {
            return;
        }
        if (cancelled.getAsBoolean()) {
            abort("cancelled");
        } else if (reading && System.nanoTime() - lastActivity > idleNanos) {
            abort("idle");
        }
    }

    private void abort(String reason) {
        abortReason = reason;
        try {
            body.close();
        } catch (IOException ignored) {
            // closing is only a way to unblock the reader
        }
    }

    /** @return the next event, or null when the stream ended cleanly (between events) */
    public Event next() throws ModelException {
        lastActivity = System.nanoTime();
        reading = true;
        try {
            return read();
        } finally {
            reading = false;
        }
    }

    private Event read() throws ModelException {
        String event = null;
        var data = new StringBuilder();
        boolean any = false;
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                throw failure(e);
            }
            if (abortReason != null) {
                throw failure(null);
            }
            lastActivity = System.nanoTime();
            if (line == null) {
                if (any) {
                    throw new ModelException("model-malformed-response", "the event stream ended in the middle of an event",
                            true, null);
                }
                return null;
            }
            if (line.isEmpty()) {
                if (any) {
                    return new Event(event == null ? "message" : event, data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue; // comment, e.g. a keep-alive
            }
            int colon = line.indexOf(':');
            var field = colon < 0 ? line : line.substring(0, colon);
            var value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> {
                    event = value;
                    any = true;
                }
                case "data" -> {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(value);
                    any = true;
                }
                default -> {
                    // id, retry and unknown fields carry nothing a model stream needs
                }
            }
        }
    }

    private ModelException failure(IOException cause) {
        if ("cancelled".equals(abortReason)) {
            return new ModelException("model-cancelled", "the model call was cancelled", false, null);
        }
        if ("idle".equals(abortReason)) {
            return new ModelException("model-timeout", "the model sent nothing for " + Duration.ofNanos(idleNanos).toMillis()
                    + " ms", true, null);
        }
        return new ModelException("model-malformed-response", "the event stream broke: " + cause, true, null);
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        try {
            body.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
