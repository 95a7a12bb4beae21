package dev.rafiki.event.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

    final UUID session = UUID.randomUUID();
    final Subscription.Key key = Subscription.Key.session("u", session);
    final ExecutorService senders = Executors.newCachedThreadPool();
    final ExecutorService closer = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        senders.shutdownNow();
        closer.shutdownNow();
    }

    StoredEvent event(long seq, int size) {
        return new StoredEvent("u", session, seq, seq, null, "message.delta", "{\"text\":\"" + "x".repeat(size) + "\"}",
                Instant.now());
    }

    /** Records what it writes; a write blocks while {@code gate} is closed. */
    class Recording extends Subscription {
        final List<Long> written = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicLong overflowedAt = new AtomicLong(-1);
        final AtomicInteger pings = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        Recording(int capacity) {
            super(key, 0, capacity, e -> true);
        }

        @Override
        protected void transmit(StoredEvent event) throws Exception {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            gate.await();
            written.add(event.seq());
            inFlight.decrementAndGet();
        }

        @Override
        protected void keepAlive() {
            pings.incrementAndGet();
        }

        @Override
        protected void overflowed(long resumeAfter) {
            overflowedAt.set(resumeAfter);
        }
    }

    static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void eventsGoOutInOrderOneWriteAtATimeWithoutAThreadOfTheirOwn() throws Exception {
        var subscription = new Recording(10_000);
        subscription.start(null, senders, closer, Long.MAX_VALUE);
        // offers come from one producer at a time (the hub's feed lock); here from one thread
        for (long seq = 1; seq <= 2000; seq++) {
            subscription.offer(List.of(event(seq, 10)), closer);
        }
        await("all written", () -> subscription.written.size() == 2000);
        var expected = new ArrayList<Long>();
        for (long seq = 1; seq <= 2000; seq++) {
            expected.add(seq);
        }
        assertEquals(expected, subscription.written);
        assertEquals(1, subscription.maxInFlight.get(), "at most one write in flight");
        await("the sender to end", () -> ((java.util.concurrent.ThreadPoolExecutor) senders).getActiveCount() == 0);
    }

    @Test
    void aStuckClientIsClosedAtItsByteBoundWithTheCursorToResumeFrom() throws Exception {
        var subscription = new Recording(1000);
        subscription.start(null, senders, closer, 64 * 1024);
        subscription.offer(List.of(event(1, 10)), closer);
        await("the first write", () -> subscription.written.size() == 1);
        subscription.gate = new CountDownLatch(1); // the client stops reading
        subscription.offer(List.of(event(2, 10)), closer);
        await("the stuck write", () -> subscription.inFlight.get() == 1);
        long offered = 2;
        while (!subscription.closed() && offered < 1000) {
            subscription.offer(List.of(event(++offered, 8 * 1024)), closer); // 8 KiB events, far fewer than 1000 fit
        }
        assertTrue(subscription.closed(), "closed by bytes, not by the event count");
        assertTrue(offered < 20, "closed after about 64 KiB of events, not " + offered + " events");
        await("the overflow", () -> subscription.overflowedAt.get() >= 0);
        assertEquals(1, subscription.overflowedAt.get(), "resume after the last event written");
        assertTrue(subscription.stalled(Duration.ZERO), "its one write is still waiting");
        subscription.gate.countDown();
    }

    @Test
    void eventsOfferedTogetherGoOutInOrderWithOneSenderTaskAndDuplicatesAreSkipped() throws Exception {
        var tasks = new AtomicInteger();
        java.util.concurrent.Executor counting = task -> {
            tasks.incrementAndGet();
            senders.execute(task);
        };
        var subscription = new Recording(1000);
        subscription.start(null, counting, closer, Long.MAX_VALUE);
        for (long first = 1; first <= 100; first += 5) {
            var batch = new ArrayList<StoredEvent>();
            for (long seq = first; seq < first + 5; seq++) {
                batch.add(event(seq, 10));
            }
            batch.add(0, event(first - 1, 10)); // already offered: skipped, not written twice
            await("the previous batch written", () -> subscription.inFlight.get() == 0
                    && ((java.util.concurrent.ThreadPoolExecutor) senders).getActiveCount() == 0);
            int before = tasks.get();
            subscription.offer(batch, closer);
            await("the batch written", () -> subscription.written.size() == batch.get(batch.size() - 1).seq());
            assertEquals(before + 1, tasks.get(), "one sender task for the whole batch");
        }
        var expected = new ArrayList<Long>();
        for (long seq = 1; seq <= 100; seq++) {
            expected.add(seq);
        }
        assertEquals(expected, subscription.written);
    }

    @Test
    void anOverflowInsideABatchClosesTheSubscriptionAndSaysWhereToResume() throws Exception {
        var subscription = new Recording(3);
        subscription.start(null, senders, closer, Long.MAX_VALUE);
        subscription.offer(List.of(event(1, 10)), closer);
        await("the first write", () -> subscription.written.size() == 1);
        subscription.gate = new CountDownLatch(1); // the client stops reading
        subscription.offer(List.of(event(2, 10)), closer);
        await("the stuck write", () -> subscription.inFlight.get() == 1);
        subscription.offer(List.of(event(3, 10), event(4, 10), event(5, 10), event(6, 10)), closer);
        assertTrue(subscription.closed(), "three queued and a fourth over the capacity");
        await("the overflow", () -> subscription.overflowedAt.get() >= 0);
        assertEquals(1, subscription.overflowedAt.get(), "resume after the last event written");
        subscription.gate.countDown();
    }

    @Test
    void anIdleSubscriberGetsAKeepAliveAndABusyOneDoesNot() throws Exception {
        var subscription = new Recording(10);
        subscription.start(null, senders, closer, Long.MAX_VALUE);
        subscription.pingIfIdle(Duration.ofHours(1));
        Thread.sleep(50);
        assertEquals(0, subscription.pings.get());
        subscription.pingIfIdle(Duration.ZERO);
        await("a keep-alive", () -> subscription.pings.get() == 1);
        assertFalse(subscription.stalled(Duration.ZERO));
    }
}
