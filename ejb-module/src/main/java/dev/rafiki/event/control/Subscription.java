package dev.rafiki.event.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * One client's subscription: a queue bounded in events and in bytes, written to the client by
 * a sender task that runs only while there is something to write. Whoever produces events only
 * ever enqueues, so a slow or stuck client cannot slow the node, the prompt or other clients.
 * At most one write per subscription is in flight; the sender waits for each write to reach the
 * connection, so what a stuck client costs is bounded by its queue (plus socket buffers) and,
 * while it is stuck in a write, one sender thread, until the hub closes it for stalling. When
 * the queue overflows, the client is closed with the cursor to resume from: the last event that
 * was written to it.
 */
public abstract class Subscription {

    /** What a subscription follows: one session, or everything of one user. */
    public record Key(String owner, UUID sessionId) {
        public static Key session(String owner, UUID sessionId) {
            return new Key(owner, sessionId);
        }

        public static Key user(String owner) {
            return new Key(owner, null);
        }

        public boolean userWide() {
            return sessionId == null;
        }

        public long cursorOf(StoredEvent event) {
            return userWide() ? event.userSeq() : event.seq();
        }
    }

    /** What an event weighs in a queue: its client frame, about. */
    static long weight(StoredEvent event) {
        return event.data().length() + 256L;
    }

    private final Key key;
    private final Predicate<StoredEvent> filter;
    private final ArrayDeque<StoredEvent> queue = new ArrayDeque<>();
    private final int capacity;
    private long maxBytes;
    private long queuedBytes;
    private volatile boolean closed;
    private volatile boolean ended;
    /** A terminal event it wants is queued: nothing after it is wanted. */
    private volatile boolean terminalQueued;
    private volatile long lastSent;
    private long lastQueued;
    /** A sender task is queued or running: it alone writes. */
    private boolean sending;
    private boolean pingDue;
    private volatile long lastWriteNanos = System.nanoTime();
    /** When the write in progress started, or 0. */
    private volatile long writingSince;
    private Executor senders;
    private Executor closer;
    /**
     * The hub that started it, the bean itself: {@link #leave} runs on sender threads, whose
     * context class loader is null, and a call through the hub's CDI proxy there made Weld throw
     * and catch an exception each time (one per streamed prompt, JFR).
     */
    private volatile EventHub hub;

    protected Subscription(Key key, long after, int capacity, Predicate<StoredEvent> filter) {
        this.key = key;
        this.filter = filter;
        this.capacity = Math.max(1, capacity);
        this.maxBytes = Long.MAX_VALUE;
        this.lastSent = after;
        this.lastQueued = after;
    }

    public Key key() {
        return key;
    }

    public int capacity() {
        return capacity;
    }

    /** Writes one event to the client, blocking until the connection took it; throws if it cannot. */
    protected abstract void transmit(StoredEvent event) throws Exception;

    /** Proves the connection alive to proxies and to the client (blocking, like transmit). */
    protected void keepAlive() throws Exception {
    }

    /** The client cannot keep up: close it, telling it where to resume. Runs on a thread of its own. */
    protected abstract void overflowed(long resumeAfter);

    /** Called after the last event this subscription wanted, e.g. a prompt's terminal event. */
    protected void finished(StoredEvent last) {
    }

    /** {@code senders} run the writes, {@code closer} the overflow handling, which may block on a dead client. */
    final void start(EventHub hub, Executor senders, Executor closer, long maxBytes) {
        this.hub = hub;
        synchronized (this) {
            this.maxBytes = Math.max(1, Math.min(this.maxBytes, maxBytes));
            this.senders = senders;
            this.closer = closer;
            if (!queue.isEmpty() && !sending) {
                sending = true;
                schedule();
            }
        }
    }

    /**
     * Queues events in their cursor order (those at or below the cursor are duplicates of what was
     * already queued), starting at most one sender for all of them: offered
     * one by one, a sender that drained the queue between two of them ended, and the next one
     * needed another thread hand-off.
     */
    final void offer(List<StoredEvent> events, Executor closer) {
        boolean schedule = false;
        boolean overflowed = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (var event : events) {
                long cursor = key.cursorOf(event);
                if (cursor <= lastQueued) {
                    continue;
                }
                lastQueued = cursor;
                if (!filter.test(event)) {
                    continue;
                }
                if (queue.size() < capacity && queuedBytes + weight(event) <= maxBytes) {
                    schedule |= enqueue(event);
                } else {
                    overflow();
                    overflowed = true;
                    break;
                }
            }
        }
        if (overflowed) {
            // the queue is dropped: a sender started for it finds the subscription closed
            closer.execute(() -> overflowed(lastSent));
        } else if (schedule) {
            schedule();
        }
    }

    /**
     * Queues a replayed event, waiting for room: a client catching up on a long backlog is fed as
     * fast as it reads, not cut off. Only a client that reads nothing for {@code patience} is.
     *
     * @return false when the subscription is (now) closed
     */
    final boolean replay(StoredEvent event, Duration patience, Executor closer) throws InterruptedException {
        boolean schedule = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            long cursor = key.cursorOf(event);
            if (cursor <= lastQueued) {
                return true;
            }
            lastQueued = cursor;
            if (!filter.test(event)) {
                return true;
            }
            long deadline = System.nanoTime() + patience.toNanos();
            while (!closed && !queue.isEmpty()
                   && (queue.size() >= capacity || queuedBytes + weight(event) > maxBytes)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    overflow();
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            if (closed) {
                return false;
            }
            schedule = enqueue(event);
        }
        if (schedule) {
            schedule();
        }
        return true;
    }

    /** Under the lock. @return whether the caller must start a sender */
    private boolean enqueue(StoredEvent event) {
        queue.add(event);
        queuedBytes += weight(event);
        terminalQueued |= event.terminal();
        if (!sending && senders != null) {
            sending = true;
            return true;
        }
        return false;
    }

    private void overflow() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        notifyAll();
    }

    private void schedule() {
        try {
            senders.execute(this::send);
        } catch (RejectedExecutionException e) {
            // no sender can be had: the client resumes from its cursor rather than wait unseen
            synchronized (this) {
                sending = false;
                overflow();
            }
            closer.execute(() -> overflowed(lastSent));
        }
    }

    /** The sender task: writes what is queued, one write at a time, then ends. */
    private void send() {
        try {
            while (true) {
                StoredEvent event;
                boolean ping;
                synchronized (this) {
                    if (closed) {
                        sending = false;
                        return;
                    }
                    event = queue.poll();
                    ping = event == null && pingDue;
                    pingDue = false;
                    if (event == null && !ping) {
                        sending = false;
                        return;
                    }
                    if (event != null) {
                        queuedBytes -= weight(event);
                        notifyAll();
                    }
                }
                writingSince = System.nanoTime();
                if (ping) {
                    keepAlive();
                } else {
                    boolean last = event.terminal() && filter.test(event);
                    // marked before the write: a client that reacts to the last event at once finds it ended
                    ended |= last;
                    transmit(event);
                    lastSent = key.cursorOf(event);
                    if (last) {
                        finished(event);
                    }
                }
                lastWriteNanos = System.nanoTime();
                writingSince = 0;
            }
        } catch (Exception clientGone) {
            writingSince = 0;
            synchronized (this) {
                closed = true;
                sending = false;
                queue.clear();
                queuedBytes = 0;
                notifyAll();
            }
        }
    }

    /** Sends a keep-alive if nothing was written for {@code idle}; called now and then by the hub. */
    final void pingIfIdle(Duration idle) {
        boolean schedule = false;
        synchronized (this) {
            if (closed || senders == null || System.nanoTime() - lastWriteNanos < idle.toNanos()) {
                return;
            }
            pingDue = true;
            if (!sending) {
                sending = true;
                schedule = true;
            }
        }
        if (schedule) {
            schedule();
        }
    }

    /** Whether one write has been waiting on the client for longer than {@code limit}. */
    final boolean stalled(Duration limit) {
        long since = writingSince;
        return since != 0 && System.nanoTime() - since > limit.toNanos();
    }

    public long lastSent() {
        return lastSent;
    }

    public boolean closed() {
        return closed;
    }

    /** A terminal event this subscription wants is queued or written: it wants nothing more. */
    public boolean terminalQueued() {
        return terminalQueued;
    }

    /** The last wanted event (a terminal one) is being or has been written. */
    public boolean ended() {
        return ended;
    }

    /** Leaves the hub it was started by (as {@link EventHub#unsubscribe}), e.g. from {@link #finished}. */
    protected final void leave() {
        var started = hub;
        if (started != null) {
            started.unsubscribe(this);
        } else {
            close();
        }
    }

    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            notifyAll();
        }
    }
}
