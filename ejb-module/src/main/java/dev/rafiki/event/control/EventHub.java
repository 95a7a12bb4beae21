package dev.rafiki.event.control;

import dev.rafiki.platform.config.NodeSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's subscriptions, grouped by what they follow. The log is the truth: an
 * announcement from the topic only says "there is more"; each feed reads what it has not seen
 * from the log (once for all its subscribers), so announcements that arrive out of order, twice
 * or not at all never make a subscriber miss or repeat an event.
 * <p>
 * A new subscription joins its feed under the feed's lock, after its replay from the log, so
 * there is no gap and no overlap at the seam between replay and live events.
 */
@ApplicationScoped
public class EventHub {

    private static final Logger LOG = Logger.getLogger(EventHub.class.getName());
    private static final int PAGE = 500;
    /** A subscriber this close to the live end joins the feed; further behind, it keeps catching up first. */
    private static final int REPLAY_UNDER_LOCK = 50;
    private static final java.time.Duration REPLAY_PATIENCE = java.time.Duration.ofSeconds(30);

    @Inject
    EventLog log;

    @Resource
    ManagedScheduledExecutorService timer;

    @Resource
    jakarta.enterprise.concurrent.ManagedThreadFactory threads;

    /**
     * Threads without the application's context for the writes to subscribers, defined by the
     * web module ({@code SenderThreads}): a frame written from one costs Payara's Tyrus much less.
     * A server that has not bound the name gets the default factory.
     */
    public static final String SENDER_THREADS = "java:app/concurrent/rafiki-sender-threads";

    /**
     * Writes to subscribers: a thread per write in progress, not per subscriber. A healthy
     * subscriber borrows one for microseconds; one stuck in a write keeps one until the sweep
     * closes it for stalling.
     */
    java.util.concurrent.ThreadPoolExecutor senders;

    @Inject
    EventSettings settings;

    @Resource
    jakarta.enterprise.concurrent.ManagedExecutorService closer;

    private final Map<Subscription.Key, Feed> feeds = new ConcurrentHashMap<>();
    private ScheduledFuture<?> catchUp;

    /** The subscribers of one key, and how far the log has been read for them. */
    static final class Feed {
        final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
        long last;
    }

    private ScheduledFuture<?> sweep;

    @PostConstruct
    void start() {
        var factory = threads;
        try {
            factory = javax.naming.InitialContext.doLookup(SENDER_THREADS);
        } catch (javax.naming.NamingException e) {
            LOG.info(() -> SENDER_THREADS + " is not bound (" + e + "): subscribers are written to from default managed threads");
        }
        var senderThreads = factory;
        senders = new java.util.concurrent.ThreadPoolExecutor(0, Math.max(1, settings.senderThreads), 30, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), runnable -> {
                    var thread = senderThreads.newThread(runnable);
                    thread.setName("rafiki-subscriber");
                    thread.setDaemon(true);
                    return thread;
                });
        // a lost announcement (broker restart) delays a feed by at most this period
        catchUp = timer.scheduleWithFixedDelay(this::catchUpAll, 5, 5, TimeUnit.SECONDS);
        long period = Math.max(1, settings.keepAliveSeconds / 2);
        sweep = timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (catchUp != null) {
            catchUp.cancel(false);
        }
        if (sweep != null) {
            sweep.cancel(false);
        }
        if (senders != null) {
            senders.shutdownNow();
        }
    }

    /**
     * Subscriptions whose client went away (their sender found out) leave their feed; idle ones
     * get a keep-alive; one whose write has waited on its client too long is closed, which ends
     * the write and frees its sender.
     */
    private void sweep() {
        var idle = java.time.Duration.ofSeconds(settings.keepAliveSeconds);
        var stall = java.time.Duration.ofSeconds(settings.sendTimeoutSeconds);
        for (var feed : feeds.values()) {
            for (var subscriber : feed.subscribers) {
                if (subscriber.closed()) {
                    unsubscribe(subscriber);
                } else if (subscriber.stalled(stall)) {
                    LOG.fine(() -> "closing a subscriber stuck in one write for over " + stall.toSeconds() + " s");
                    var resume = subscriber.lastSent();
                    subscriber.close();
                    unsubscribe(subscriber);
                    closer.execute(() -> subscriber.overflowed(resume));
                } else {
                    subscriber.pingIfIdle(idle);
                }
            }
        }
    }

    /**
     * Attaches a subscription that has seen everything up to its cursor: it first gets the logged
     * events after it, then live events.
     */
    public void subscribe(Subscription subscription, long after) {
        subscribe(subscription, after, java.util.List.of());
    }

    /**
     * Like {@link #subscribe(Subscription, long)}, starting with events the caller already holds
     * as committed (a prompt's first events, from the commit that accepted it): they go out
     * without a read of the log, and if they end what the subscription wants, it never joins a feed.
     */
    public void subscribe(Subscription subscription, long after, java.util.List<StoredEvent> known) {
        var key = subscription.key();
        subscription.start(this, senders, closer, settings.subscriberBufferBytes);
        long cursor = after;
        try {
            for (var event : known) {
                if (key.cursorOf(event) == cursor + 1) {
                    if (!subscription.replay(event, REPLAY_PATIENCE, closer)) {
                        return;
                    }
                    cursor = key.cursorOf(event);
                }
            }
            if (subscription.terminalQueued()) {
                return;
            }
            while (!subscription.closed()) {
                // the backlog is replayed outside any lock, as fast as this client reads
                cursor = replay(subscription, cursor, latest(key));
                var feed = feeds.computeIfAbsent(key, k -> new Feed());
                synchronized (feed) {
                    if (feeds.get(key) != feed) {
                        continue; // the feed was dropped by its last subscriber meanwhile
                    }
                    if (feed.subscribers.isEmpty()) {
                        feed.last = latest(key);
                    }
                    if (feed.last - cursor > Math.min(REPLAY_UNDER_LOCK, subscription.capacity() / 4)) {
                        continue; // still far behind: catch up more before joining
                    }
                    // the few events left are queued without waiting, then the feed takes over: no gap, no overlap
                    while (cursor < feed.last) {
                        var page = read(key, cursor, feed.last);
                        if (page.isEmpty()) {
                            break;
                        }
                        subscription.offer(page, closer);
                        cursor = key.cursorOf(page.get(page.size() - 1));
                    }
                    feed.subscribers.add(subscription);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.close();
        }
    }

    private long replay(Subscription subscription, long after, long upTo) throws InterruptedException {
        long cursor = after;
        while (cursor < upTo && !subscription.closed()) {
            var page = read(subscription.key(), cursor, upTo);
            if (page.isEmpty()) {
                break;
            }
            for (var event : page) {
                if (!subscription.replay(event, REPLAY_PATIENCE, closer)) {
                    return cursor;
                }
                cursor = subscription.key().cursorOf(event);
            }
        }
        return cursor;
    }

    private long latest(Subscription.Key key) {
        return key.userWide() ? log.lastUserSeq(key.owner()) : log.lastSessionSeq(key.sessionId());
    }

    public void unsubscribe(Subscription subscription) {
        subscription.close();
        var feed = feeds.get(subscription.key());
        if (feed != null) {
            synchronized (feed) {
                feed.subscribers.remove(subscription);
                if (feed.subscribers.isEmpty()) {
                    feeds.remove(subscription.key(), feed);
                }
            }
        }
    }

    @Inject
    dev.rafiki.platform.config.NodeIdentity node;

    @Inject
    NodeSettings nodeSettings;

    /** An event committed on this node by a JTA transaction. */
    void onCommitted(@jakarta.enterprise.event.Observes(during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS)
                     EventLog.Committed committed) {
        committed(java.util.List.of(committed.event()));
    }

    /**
     * Events committed on this node, in commit order: delivered to local subscribers at once, and
     * announced to the other nodes (asynchronously: the committing thread does not wait).
     */
    public void committed(java.util.List<StoredEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        deliverByKey(events);
        if (!nodeSettings.clustered) {
            return;
        }
        try {
            closer.execute(() -> {
                for (var event : events) {
                    try {
                        log.announce(event, node.nodeId());
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "announcement failed; other nodes catch up from the log", e);
                        return;
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.FINE, "announcement dropped; other nodes catch up from the log", e);
        }
    }

    /** An event was committed somewhere in the cluster. */
    public void announced(StoredEvent event) {
        deliverByKey(java.util.List.of(event));
    }

    /**
     * Each event to its session's feed and its user's. Each subscriber is offered all of the
     * events it wants at once: one sender task per subscriber and batch, not one per event when a
     * sender drained its queue in between.
     */
    private void deliverByKey(java.util.List<StoredEvent> events) {
        var byKey = new java.util.LinkedHashMap<Subscription.Key, java.util.List<StoredEvent>>();
        for (var event : events) {
            byKey.computeIfAbsent(Subscription.Key.session(event.owner(), event.sessionId()), k -> new java.util.ArrayList<>())
                    .add(event);
            byKey.computeIfAbsent(Subscription.Key.user(event.owner()), k -> new java.util.ArrayList<>()).add(event);
        }
        byKey.forEach(this::deliver);
    }

    /** {@code events}: of this key, in its cursor order. */
    private void deliver(Subscription.Key key, java.util.List<StoredEvent> events) {
        var feed = feeds.get(key);
        if (feed == null) {
            return;
        }
        synchronized (feed) {
            var next = new java.util.ArrayList<StoredEvent>(events.size());
            for (var event : events) {
                long cursor = key.cursorOf(event);
                if (cursor <= feed.last) {
                    continue;
                }
                if (cursor == feed.last + 1) {
                    next.add(event);
                    feed.last = cursor;
                } else {
                    // a gap (an event committed elsewhere not announced yet): what came before it goes first
                    fanOut(feed, next);
                    next.clear();
                    readUpTo(key, feed, cursor);
                }
            }
            fanOut(feed, next);
        }
    }

    private void readUpTo(Subscription.Key key, Feed feed, long upTo) {
        while (feed.last < upTo) {
            var page = read(key, feed.last, upTo);
            if (page.isEmpty()) {
                return;
            }
            fanOut(feed, page);
            feed.last = key.cursorOf(page.get(page.size() - 1));
        }
    }

    private void fanOut(Feed feed, java.util.List<StoredEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (var subscriber : feed.subscribers) {
            if (subscriber.closed()) {
                feed.subscribers.remove(subscriber);
            } else {
                subscriber.offer(events, closer);
            }
        }
    }

    private java.util.List<StoredEvent> read(Subscription.Key key, long after, long upTo) {
        return key.userWide() ? log.userEvents(key.owner(), after, upTo, PAGE)
                : log.sessionEvents(key.sessionId(), after, upTo, PAGE);
    }

    private void catchUpAll() {
        for (var entry : feeds.entrySet()) {
            var key = entry.getKey();
            var feed = entry.getValue();
            try {
                long latest = key.userWide() ? log.lastUserSeq(key.owner()) : log.lastSessionSeq(key.sessionId());
                synchronized (feed) {
                    if (latest > feed.last) {
                        readUpTo(key, feed, latest);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "event catch-up failed; next round retries", e);
            }
        }
    }

    public int subscriberCount() {
        return feeds.values().stream().mapToInt(f -> f.subscribers.size()).sum();
    }
}
