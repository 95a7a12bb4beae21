package dev.rafiki.event.control;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One client's subscription: a bounded queue of events and a sender of its own that writes them
 * to the client with blocking writes. Whoever produces events only ever enqueues, so a slow or
 * stuck client cannot slow the node, the prompt or other clients; and because the sender waits
 * for each write to reach the connection, what a stuck client costs is bounded by the queue
 * (plus socket buffers). When the queue overflows, the client is closed with the cursor to
 * resume from: the last event that was written to it.
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

    private final Key key;
    private final Predicate<StoredEvent> filter;
    private final BlockingQueue<StoredEvent> queue;
    private volatile boolean closed;
    private volatile boolean ended;
    private volatile long lastSent;
    private long lastQueued;

    protected Subscription(Key key, long after, int capacity, Predicate<StoredEvent> filter) {
        this.key = key;
        this.filter = filter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.lastSent = after;
        this.lastQueued = after;
    }

    public Key key() {
        return key;
    }

    public int capacity() {
        return queue.remainingCapacity() + queue.size();
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

    /** Starts the sender; {@code closer} runs overflow handling, which may block on a dead client. */
    final void start(ThreadFactory threads, Executor closer, Duration keepAlive) {
        var sender = threads.newThread(() -> run(closer, keepAlive));
        sender.setName("rafiki-subscriber");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues an event; events at or below the cursor are duplicates of what was already queued. */
    final void offer(StoredEvent event, Executor closer) {
        synchronized (this) {
            if (closed) {
                return;
            }
            long cursor = key.cursorOf(event);
            if (cursor <= lastQueued) {
                return;
            }
            lastQueued = cursor;
            if (!filter.test(event)) {
                return;
            }
            if (queue.offer(event)) {
                return;
            }
            closed = true;
            queue.clear();
        }
        closer.execute(() -> overflowed(lastSent));
    }

    /**
     * Queues a replayed event, waiting for room: a client catching up on a long backlog is fed as
     * fast as it reads, not cut off. Only a client that reads nothing for {@code patience} is.
     *
     * @return false when the subscription is (now) closed
     */
    final boolean replay(StoredEvent event, Duration patience, Executor closer) throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return false;
            }
            long cursor = key.cursorOf(event);
            if (cursor <= lastQueued) {
                return true;
            }
            lastQueued = cursor;
            if (!filter.test(event) || queue.offer(event, patience.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            closed = true;
            queue.clear();
        }
        closer.execute(() -> overflowed(lastSent));
        return false;
    }

    private void run(Executor closer, Duration keepAlive) {
        try {
            while (!closed) {
                var event = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (closed) {
                    return;
                }
                if (event == null) {
                    keepAlive();
                    continue;
                }
                boolean last = event.terminal() && filter.test(event);
                // marked before the write: a client that reacts to the last event at once finds it ended
                ended |= last;
                transmit(event);
                lastSent = key.cursorOf(event);
                if (last) {
                    finished(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } catch (Exception clientGone) {
            closed = true;
        }
    }

    public long lastSent() {
        return lastSent;
    }

    public boolean closed() {
        return closed;
    }

    /** The last wanted event (a terminal one) is being or has been written. */
    public boolean ended() {
        return ended;
    }

    public void close() {
        closed = true;
        queue.clear();
    }
}
