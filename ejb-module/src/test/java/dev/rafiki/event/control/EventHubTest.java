package dev.rafiki.event.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The hub's promise, without a database: whatever the timing of subscribing against committing,
 * and whatever happens to announcements (lost, repeated, late), every subscriber gets each event
 * after its cursor exactly once, in order: no gap and no overlap at the seam between its replay
 * from the log and the live feed.
 */
class EventHubTest {

    static final UUID SESSION = UUID.randomUUID();
    static final Subscription.Key KEY = Subscription.Key.session("u", SESSION);

    /** The log in memory: what is committed is readable, as from the event table. */
    static final class MemoryLog extends EventLog {
        final ConcurrentSkipListMap<Long, StoredEvent> events = new ConcurrentSkipListMap<>();

        StoredEvent commit(long seq) {
            var event = new StoredEvent("u", SESSION, seq, seq, null, "message.delta", "{\"n\":" + seq + "}", Instant.now());
            events.put(seq, event);
            return event;
        }

        @Override
        public List<StoredEvent> sessionEvents(UUID sessionId, long after, long upTo, int limit) {
            return events.subMap(after, false, upTo, true).values().stream().limit(limit).toList();
        }

        @Override
        public long lastSessionSeq(UUID sessionId) {
            return events.isEmpty() ? 0 : events.lastKey();
        }
    }

    /** Records the cursors it is sent. */
    static final class Recording extends Subscription {
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final long after;

        Recording(long after) {
            super(KEY, after, 100_000, e -> true);
            this.after = after;
        }

        @Override
        protected void transmit(StoredEvent event) {
            seen.add(event.seq());
        }

        @Override
        protected void overflowed(long resumeAfter) {
            throw new AssertionError("no subscriber here is slow enough to overflow");
        }
    }

    final MemoryLog log = new MemoryLog();
    final EventHub hub = new EventHub();
    final ExecutorService closer = Executors.newCachedThreadPool();
    final ExecutorService clients = Executors.newFixedThreadPool(8);

    EventHubTest() {
        hub.log = log;
        hub.closer = managed(closer);
        hub.settings = dev.rafiki.platform.config.Settings.defaults(EventSettings.class);
        hub.nodeSettings = dev.rafiki.platform.config.Settings.defaults(dev.rafiki.platform.config.NodeSettings.class);
        hub.settings.subscriberBufferBytes = 64L << 20;
        hub.senders = new ThreadPoolExecutor(0, 256, 30, TimeUnit.SECONDS, new SynchronousQueue<>());
    }

    /** The container's executor, as far as the hub uses it: the plain one's methods. */
    static jakarta.enterprise.concurrent.ManagedExecutorService managed(ExecutorService executor) {
        return (jakarta.enterprise.concurrent.ManagedExecutorService) java.lang.reflect.Proxy.newProxyInstance(
                EventHubTest.class.getClassLoader(), new Class<?>[] {jakarta.enterprise.concurrent.ManagedExecutorService.class},
                (proxy, method, args) -> {
                    try {
                        return ExecutorService.class.getMethod(method.getName(), method.getParameterTypes()).invoke(executor, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        closer.shutdownNow();
        hub.senders.shutdownNow();
    }

    @Test
    void aSubscriberOfAQuietSessionGetsTheBacklogThenLiveEvents() throws Exception {
        for (long seq = 1; seq <= 5; seq++) {
            log.commit(seq);
        }
        var subscriber = new Recording(2);
        hub.subscribe(subscriber, 2);
        for (long seq = 6; seq <= 8; seq++) {
            hub.committed(List.of(log.commit(seq)));
        }
        awaitAll(List.of(subscriber), 8);
        assertExactlyAfter(subscriber, 8);
    }

    @Test
    void aLostAnnouncementIsReadFromTheLogWhenTheNextOneArrives() throws Exception {
        var subscriber = new Recording(0);
        hub.subscribe(subscriber, 0);
        log.commit(1);
        log.commit(2); // committed elsewhere; their announcements never came
        hub.committed(List.of(log.commit(3)));
        hub.announced(log.events.get(2L)); // late and repeated: already delivered, dropped
        awaitAll(List.of(subscriber), 3);
        assertExactlyAfter(subscriber, 3);
    }

    @RepeatedTest(3)
    void subscribingWhileEventsAreCommittedNeitherLosesNorRepeatsAny() throws Exception {
        int total = 2000;
        var subscribers = new CopyOnWriteArrayList<Recording>();
        var writer = clients.submit(() -> {
            for (long seq = 1; seq <= total; seq++) {
                var event = log.commit(seq);
                var random = ThreadLocalRandom.current().nextInt(10);
                if (random == 0) {
                    continue; // lost: the next announcement or the end of the test reads it from the log
                }
                hub.committed(List.of(event));
                if (random == 1) {
                    hub.announced(event); // repeated, as a broker may redeliver
                }
                if (seq % 100 == 0) {
                    Thread.onSpinWait();
                }
            }
            // the last one always arrives, which makes every feed read what it missed
            hub.announced(log.events.lastEntry().getValue());
            return null;
        });
        var joins = new ArrayList<java.util.concurrent.Future<?>>();
        for (int i = 0; i < 60; i++) {
            joins.add(clients.submit(() -> {
                long last = log.lastSessionSeq(SESSION);
                // a client resumes from somewhere in what it has seen, or starts at the live end
                long after = ThreadLocalRandom.current().nextBoolean() ? last : ThreadLocalRandom.current().nextLong(last + 1);
                var subscriber = new Recording(after);
                subscribers.add(subscriber);
                hub.subscribe(subscriber, after);
                return null;
            }));
            Thread.sleep(ThreadLocalRandom.current().nextInt(2));
        }
        for (var join : joins) {
            join.get(30, TimeUnit.SECONDS);
        }
        writer.get(30, TimeUnit.SECONDS);
        hub.announced(log.events.lastEntry().getValue());
        awaitAll(subscribers, total);
        for (var subscriber : subscribers) {
            assertExactlyAfter(subscriber, total);
        }
        assertEquals(subscribers.size(), hub.subscriberCount());
    }

    /** Each event after the subscriber's cursor once, in order; a mismatch is told by its first difference. */
    static void assertExactlyAfter(Recording subscriber, long last) {
        var expected = LongStream.rangeClosed(subscriber.after + 1, last).boxed().toList();
        var seen = List.copyOf(subscriber.seen);
        int i = 0;
        while (i < Math.min(expected.size(), seen.size()) && expected.get(i).equals(seen.get(i))) {
            i++;
        }
        final int at = i;
        assertTrue(at == expected.size() && at == seen.size(), () -> "the subscriber that started after " + subscriber.after
                + " got " + seen.size() + " events for " + expected.size() + "; first difference at " + at + ": expected "
                + (at < expected.size() ? expected.get(at) : "nothing") + ", got " + (at < seen.size() ? seen.get(at) : "nothing"));
    }

    static void awaitAll(List<Recording> subscribers, long last) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (var subscriber : subscribers) {
            while ((subscriber.seen.isEmpty() || subscriber.seen.get(subscriber.seen.size() - 1) < last)
                    && subscriber.after < last && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(subscriber.after >= last || !subscriber.seen.isEmpty() && subscriber.seen.get(subscriber.seen.size() - 1) == last,
                    "the subscriber after " + subscriber.after + " reached " + (subscriber.seen.isEmpty() ? "nothing" : subscriber.seen.get(subscriber.seen.size() - 1)));
        }
    }
}
