package dev.rafiki.event.control;

import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * One client's subscription: a bounded queue of events drained by one send at a time, so a slow
 * client never slows the node or other clients. When the queue overflows, the subscription is
 * closed with the cursor to resume from (the last event it was sent).
 */
public abstract class Subscription {

    /** What a subscription follows: one session, or everything of one user. */
    public record Key(String owner, java.util.UUID sessionId) {
        public static Key session(String owner, java.util.UUID sessionId) {
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

        public boolean matches(StoredEvent event) {
            return owner.equals(event.owner()) && (sessionId == null || sessionId.equals(event.sessionId()));
        }
    }

    private final Key key;
    private final int capacity;
    private final Predicate<StoredEvent> filter;
    private final ArrayDeque<StoredEvent> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private long lastSent;
    private long lastQueued;

    protected Subscription(Key key, long after, int capacity, Predicate<StoredEvent> filter) {
        this.key = key;
        this.capacity = capacity;
        this.filter = filter;
        this.lastSent = after;
        this.lastQueued = after;
    }

    public Key key() {
        return key;
    }

    /** Sends one event to the client; the stage completes when the transport accepted it. */
    protected abstract CompletionStage<?> transmit(StoredEvent event);

    /** The client cannot keep up: close it, telling it where to resume. */
    protected abstract void overflowed(long resumeAfter);

    /** Proves the connection alive to proxies and to the client; a failure closes the subscription. */
    protected CompletionStage<?> keepAlive() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Sends a keep-alive unless an event is on its way anyway. */
    final void ping() {
        synchronized (this) {
            if (closed || sending) {
                return;
            }
            sending = true;
        }
        keepAlive().whenComplete((ok, failure) -> {
            StoredEvent next;
            synchronized (this) {
                if (failure != null) {
                    closed = true;
                    sending = false;
                    return;
                }
                next = closed ? null : queue.poll();
                sending = next != null;
            }
            if (next != null) {
                send(next);
            }
        });
    }

    /** Called after the last event this subscription wanted, e.g. a prompt's terminal event. */
    protected void finished(StoredEvent last) {
    }

    /** Queues an event; events at or below the cursor are duplicates of what was already queued. */
    public final void offer(StoredEvent event) {
        StoredEvent next = null;
        boolean overflowNow = false;
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
                if (!sending && queue.isEmpty()) {
                    lastSent = cursor;
                }
                return;
            }
            if (queue.size() >= capacity) {
                closed = true;
                queue.clear();
                overflowNow = !sending; // else the send in flight reports it when it completes
            } else {
                queue.add(event);
                if (!sending) {
                    sending = true;
                    next = queue.poll();
                }
            }
        }
        if (overflowNow) {
            overflowed(lastSent());
            return;
        }
        if (next != null) {
            send(next);
        }
    }

    private void send(StoredEvent event) {
        transmit(event).whenComplete((ok, failure) -> {
            StoredEvent next;
            boolean overflow;
            synchronized (this) {
                if (failure != null) {
                    closed = true;
                    sending = false;
                    return;
                }
                lastSent = key.cursorOf(event);
                overflow = closed;
                next = closed ? null : queue.poll();
                sending = next != null;
            }
            if (event.terminal()) {
                finished(event);
            }
            if (overflow) {
                overflowed(lastSent);
            } else if (next != null) {
                send(next);
            }
        });
    }

    public synchronized long lastSent() {
        return lastSent;
    }

    public synchronized long lastQueued() {
        return lastQueued;
    }

    public synchronized boolean closed() {
        return closed;
    }

    public synchronized void close() {
        closed = true;
        queue.clear();
    }
}
