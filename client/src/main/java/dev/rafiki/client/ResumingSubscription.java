package dev.rafiki.client;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One subscriber's stream ({@code GET /events}, {@code /ws} or a {@link QueryStream}: a {@link
 * Feed.Opener}), connected again after every drop from the cursor of the last event it delivered.
 * The cursor moves only when an event is handed over, so an event is delivered once: never skipped
 * (the server resumes strictly after the cursor) and never twice (an event at or before the cursor
 * is dropped).
 */
final class ResumingSubscription implements Flow.Subscription, EventSubscription {

    private static final Logger LOG = Logger.getLogger(ResumingSubscription.class.getName());

    private final Feed.Opener opener;
    private final EventStreams.Settings settings;
    private final ScheduledExecutorService watchdog;
    private final String name;
    private final Flow.Subscriber<? super Event> subscriber;
    private final EventListener listener;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final CompletableFuture<Long> started = new CompletableFuture<>();
    private final AtomicLong demand = new AtomicLong();
    private final Object lock = new Object();

    private volatile long cursor;
    private volatile boolean cursorKnown;
    private volatile boolean closed;
    private volatile int reconnects;
    private volatile Feed current;
    private volatile long lastActivity = System.nanoTime();
    private Thread thread;
    private ScheduledFuture<?> idleCheck;

    ResumingSubscription(Feed.Opener opener, EventStreams.Settings settings, ScheduledExecutorService watchdog,
                         String name, Long after, Flow.Subscriber<? super Event> subscriber,
                         EventListener listener) {
        this.opener = opener;
        this.settings = settings;
        this.watchdog = watchdog;
        this.name = name;
        this.subscriber = subscriber;
        this.listener = listener;
        if (after != null) {
            cursor = after;
            cursorKnown = true;
            started.complete(after);
        }
        if (listener != null) {
            demand.set(Long.MAX_VALUE);
        }
    }

    void start() {
        thread = new Thread(this::run, "rafiki-client-" + name);
        thread.setDaemon(true);
        if (subscriber != null) {
            subscriber.onSubscribe(this);
        }
        thread.start();
        long period = Math.max(200, settings.idleTimeout().toMillis() / 4);
        idleCheck = watchdog.scheduleAtFixedRate(this::abortIfSilent, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public long cursor() {
        return cursor;
    }

    @Override
    public int reconnects() {
        return reconnects;
    }

    @Override
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public CompletableFuture<Long> started() {
        return started;
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            fail(new RafikiException(0, "invalid-demand", "Invalid demand", "request(n) needs n > 0 (§3.9)",
                    null, null, null, null));
            return;
        }
        demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    @Override
    public void cancel() {
        close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        abortAsync();
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }

    private void run() {
        int failures = 0;
        boolean unauthorizedBefore = false;
        try {
            while (!closed) {
                Throwable cause;
                Duration pause = null;
                try {
                    boolean delivered = connectAndRead();
                    if (delivered) {
                        failures = 0;
                    }
                    unauthorizedBefore = false;
                    cause = null;
                } catch (RafikiException refused) {
                    if (fatal(refused) || refused.status() == 401 && unauthorizedBefore) {
                        fail(refused);
                        return;
                    }
                    unauthorizedBefore = refused.status() == 401;
                    pause = refused.retryAfter().orElse(null);
                    cause = refused;
                } catch (RuntimeException | IOException lost) {
                    cause = lost;
                }
                if (closed) {
                    break;
                }
                failures++;
                notifyDisconnect(cause);
                if (pause == null) {
                    pause = backoff(failures);
                }
                sleep(pause);
                reconnects++;
            }
            finish();
        } catch (Throwable unexpected) {
            fail(new RafikiException(0, "stream-failed", "Stream failed", String.valueOf(unexpected), null, null, null,
                    unexpected));
        }
    }

    /** One connection: reads events until the server ends the stream; true if it delivered any. */
    private boolean connectAndRead() throws IOException {
        var feed = opener.open(cursorKnown ? cursor : null, () -> lastActivity = System.nanoTime());
        current = feed;
        boolean delivered = false;
        try {
            Feed.Item item;
            while (!closed && (item = feed.next()) != null) {
                delivered |= dispatch(item);
            }
            return delivered;
        } finally {
            current = null;
            feed.close();
        }
    }

    private boolean dispatch(Feed.Item item) {
        long eventCursor = item.cursor();
        if (item.json() == null) {
            // the server names the cursor the stream starts after
            if (!cursorKnown) {
                cursor = eventCursor;
                cursorKnown = true;
            }
            started.complete(cursor);
            return false;
        }
        if (cursorKnown && eventCursor <= cursor) {
            return false;
        }
        var event = Event.parse(item.json(), eventCursor);
        if (!awaitDemand()) {
            return false;
        }
        if (!cursorKnown) {
            started.complete(eventCursor - 1);
        }
        cursor = eventCursor;
        cursorKnown = true;
        try {
            if (subscriber != null) {
                subscriber.onNext(event);
            } else {
                listener.onEvent(event);
            }
        } catch (RuntimeException e) {
            fail(new RafikiException(0, "subscriber-failed", "Subscriber failed", String.valueOf(e), null, null, null, e));
        }
        return true;
    }

    private boolean awaitDemand() {
        synchronized (lock) {
            while (!closed && demand.get() == 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
        }
        if (closed) {
            return false;
        }
        demand.getAndUpdate(d -> d == Long.MAX_VALUE ? d : d - 1);
        return true;
    }

    /** A connection silent longer than the idle timeout is taken for dead (the server sends keep-alives). */
    private void abortIfSilent() {
        if (current != null && System.nanoTime() - lastActivity > settings.idleTimeout().toNanos()) {
            lastActivity = System.nanoTime();
            abortAsync();
        }
    }

    /**
     * Closes the connection on a thread of its own: with some connectors (the JDK's
     * HttpURLConnection) a close waits for the read it should interrupt, which ends at the next
     * keep-alive at the latest; nobody should wait for that.
     */
    private void abortAsync() {
        if (current == null) {
            return;
        }
        var closer = new Thread(this::abort, "rafiki-client-stream-abort");
        closer.setDaemon(true);
        closer.start();
    }

    private void abort() {
        var feed = current;
        if (feed != null) {
            feed.close();
        }
    }

    /**
     * A refusal a retry cannot change: Rafiki's own answer (a problem body, or a close code on a
     * WebSocket) with any 4xx but 408 and 429 (a prompt refused as {@code 409 session-busy} as much
     * as a session that is not the caller's); 401 gets one more try, with a fresh token from the
     * supplier. A 4xx without Rafiki's problem body (code {@code http-404}: a proxy's page, or a
     * server up before Rafiki is deployed in it, as while it restarts) is retried like a lost
     * connection.
     */
    static boolean fatal(RafikiException refused) {
        int status = refused.status();
        return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429
                && !refused.code().equals("http-" + status);
    }

    private Duration backoff(int failures) {
        long initial = settings.initialBackoff().toMillis();
        long base = Math.min(settings.maxBackoff().toMillis(), initial << Math.min(failures - 1, 20));
        return Duration.ofMillis(base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base - base / 2 + 1));
    }

    private void sleep(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        synchronized (lock) {
            long left;
            while (!closed && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void notifyDisconnect(Throwable cause) {
        if (listener != null) {
            try {
                listener.onDisconnect(cursor, cause);
            } catch (RuntimeException ignored) {
                // a listener's trouble must not stop the reconnection
            }
        }
        LOG.log(Level.FINE, name + " dropped after cursor " + cursor + "; reconnecting", cause);
    }

    /** Closed by its owner: an endless stream never completes on its own, so nothing more is signalled (§1.6). */
    private void finish() {
        closed = true;
        stopWatching();
        started.cancel(false);
        done.complete(null);
    }

    private void fail(RafikiException failure) {
        boolean first = !done.isDone();
        closed = true;
        stopWatching();
        abortAsync();
        started.completeExceptionally(failure);
        if (first && done.completeExceptionally(failure)) {
            if (subscriber != null) {
                subscriber.onError(failure);
            } else {
                listener.onError(failure);
            }
        }
    }

    private void stopWatching() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
    }
}
