package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.SseStream.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SseStreamTest {

    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    });
    static final BooleanSupplier NEVER = () -> false;
    static final Duration LONG = Duration.ofSeconds(10);

    @AfterAll
    static void stopTimer() {
        TIMER.shutdownNow();
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() throws Exception {
        var events = readAll("data: first\ndata: second\ndata:third\n\n");

        assertEquals(List.of(new Event("message", "first\nsecond\nthird")), events);
    }

    @Test
    void commentsAndUnknownFieldsAreSkipped() throws Exception {
        var events = readAll(": keep-alive\n\nid: 7\nretry: 1000\n: inside\ndata: a\n\n:ping\n\ndata: b\n\n");

        assertEquals(List.of(new Event("message", "a"), new Event("message", "b")), events);
    }

    @Test
    void eventNamesAreReportedAndDefaultToMessage() throws Exception {
        var events = readAll("event: message_start\ndata: {\"x\":1}\n\ndata: plain\n\nevent: ping\ndata: {}\n\n");

        assertEquals(List.of(new Event("message_start", "{\"x\":1}"), new Event("message", "plain"),
                new Event("ping", "{}")), events);
    }

    @Test
    void crlfAndCrLineEndingsAreLineEndings() throws Exception {
        var events = readAll("event: a\r\ndata: 1\r\ndata: 2\r\n\r\ndata: 3\r\r");

        assertEquals(List.of(new Event("a", "1\n2"), new Event("message", "3")), events);
    }

    @Test
    void onlyOneLeadingSpaceIsStrippedAndColonsInValuesSurvive() throws Exception {
        var events = readAll("data:  two spaces: yes\n\n");

        assertEquals(List.of(new Event("message", " two spaces: yes")), events);
    }

    @Test
    void endBetweenEventsIsACleanEnd() throws Exception {
        try (var stream = new SseStream(bytes("data: x\n\n\n"), LONG, NEVER, TIMER)) {
            assertEquals(new Event("message", "x"), stream.next());
            assertNull(stream.next());
        }
    }

    @Test
    void endInTheMiddleOfAnEventIsMalformed() throws Exception {
        try (var stream = new SseStream(bytes("data: x\n\ndata: {\"half\":"), LONG, NEVER, TIMER)) {
            assertEquals(new Event("message", "x"), stream.next());
            var e = assertThrows(ModelException.class, stream::next);
            assertEquals("model-malformed-response", e.code());
            assertTrue(e.retryable());
        }
    }

    @Test
    void endBeforeTheBlankLineOfTheLastEventIsMalformed() {
        try (var stream = new SseStream(bytes("data: [DONE]\n"), LONG, NEVER, TIMER)) {
            assertEquals("model-malformed-response", assertThrows(ModelException.class, stream::next).code());
        }
    }

    @Test
    void brokenConnectionIsMalformed() throws Exception {
        var body = new BlockingInput();
        body.feed("data: a\n\n");
        body.fail();
        try (var stream = new SseStream(body, LONG, NEVER, TIMER)) {
            assertEquals(new Event("message", "a"), stream.next());
            assertEquals("model-malformed-response", assertThrows(ModelException.class, stream::next).code());
        }
    }

    @Test
    void silenceLongerThanTheIdleTimeoutTimesOut() {
        var body = new BlockingInput();
        body.feed("data: a\n\n");
        try (var stream = new SseStream(body, Duration.ofMillis(300), NEVER, TIMER)) {
            assertEquals(new Event("message", "a"), assertTimeoutPreemptively(Duration.ofSeconds(1), stream::next));
            long start = System.nanoTime();
            var e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ModelException.class, stream::next));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertEquals("model-timeout", e.code());
            assertTrue(e.retryable());
            assertTrue(millis >= 250 && millis < 2000, "took " + millis + " ms");
        }
    }

    @Test
    void slowButSteadyStreamDoesNotTimeOut() throws Exception {
        var body = new BlockingInput();
        var feeder = new Thread(() -> {
            for (int i = 0; i < 6; i++) {
                sleep(100);
                body.feed("data: " + i + "\n\n");
            }
            body.end();
        });
        feeder.start();
        try (var stream = new SseStream(body, Duration.ofMillis(300), NEVER, TIMER)) {
            var data = new ArrayList<String>();
            Event event;
            while ((event = stream.next()) != null) {
                data.add(event.data());
            }
            assertEquals(List.of("0", "1", "2", "3", "4", "5"), data);
        }
    }

    @Test
    void cancellationUnblocksTheReaderWithinASecond() {
        var body = new BlockingInput();
        long cancelAt = System.nanoTime() + 200_000_000L;
        try (var stream = new SseStream(body, LONG, () -> System.nanoTime() - cancelAt > 0, TIMER)) {
            var e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ModelException.class, stream::next));
            long millis = (System.nanoTime() - cancelAt) / 1_000_000;

            assertEquals("model-cancelled", e.code());
            assertTrue(millis < 1000, "stopped " + millis + " ms after cancellation");
        }
    }

    @Test
    void timeSpentByTheCallerIsNotSilenceOfTheServer() throws Exception {
        try (var stream = new SseStream(bytesThenBlock("data: 1\n\ndata: 2\n\n"), Duration.ofMillis(200), NEVER, TIMER)) {
            assertEquals("1", stream.next().data());
            sleep(400); // e.g. a listener pushing the delta to a slow client
            assertEquals("2", stream.next().data());
        }
    }

    @Test
    void closeStopsTheWatchdogAndClosesTheBody() throws Exception {
        var body = new BlockingInput();
        var polls = new AtomicLong();
        var stream = new SseStream(body, LONG, () -> polls.incrementAndGet() < 0, TIMER);
        sleep(150);
        stream.close();
        long afterClose = polls.get();
        sleep(200);

        assertTrue(body.closed);
        assertTrue(polls.get() <= afterClose + 1, "watchdog kept polling after close");
    }

    static List<Event> readAll(String text) throws ModelException {
        var events = new ArrayList<Event>();
        try (var stream = new SseStream(bytes(text), LONG, NEVER, TIMER)) {
            Event event;
            while ((event = stream.next()) != null) {
                events.add(event);
            }
        }
        return events;
    }

    static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Delivers the text, then blocks like a live connection that has nothing more to say. */
    static InputStream bytesThenBlock(String text) {
        var body = new BlockingInput();
        body.feed(text);
        return body;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A connection body: reads block until bytes are fed, the end is signalled, or it is closed (as a socket would). */
    static final class BlockingInput extends InputStream {

        private static final byte[] END = new byte[0];
        private static final byte[] FAILURE = new byte[0];

        private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int position;
        volatile boolean closed;

        void feed(String text) {
            chunks.add(text.getBytes(StandardCharsets.UTF_8));
        }

        void end() {
            chunks.add(END);
        }

        void fail() {
            chunks.add(FAILURE);
        }

        @Override
        public int read() throws IOException {
            var one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == current.length) {
                if (closed) {
                    throw new IOException("closed");
                }
                byte[] next;
                try {
                    next = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (closed) {
                    throw new IOException("closed");
                }
                if (next == END) {
                    chunks.add(END);
                    return -1;
                }
                if (next == FAILURE) {
                    throw new IOException("connection reset");
                }
                current = next;
                position = 0;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
            chunks.add(END); // wakes a blocked reader, which then sees closed
        }
    }
}
