package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /query_stream} against scripted connections: what the client sends on each, what it
 * hands over, and how it goes on after a drop. The prompt's end is read over HTTP from a scripted
 * server, as the real one answers it.
 */
class QueryStreamTest {

    static final UUID SESSION = RafikiClientTest.SESSION;
    static final UUID PROMPT = RafikiClientTest.PROMPT;

    HttpServer server;
    RafikiClient client;
    /** The connections the client made, in order. */
    BlockingQueue<Socket> sockets = new LinkedBlockingQueue<>();
    List<String> paths = new CopyOnWriteArrayList<>();
    List<Event> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/session", exchange -> RafikiClientTest.answer(exchange, 200, "application/json",
                RafikiClientTest.prompt("completed")));
        server.start();
        client = RafikiClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .token("t0ken")
                .streamBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .webSockets(path -> activity -> {
                    paths.add(path);
                    var socket = new Socket();
                    sockets.add(socket);
                    return socket;
                })
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void thePromptGoesOnceWithItsKeyAndItsEventsArriveInOrderThenThePrompt() throws Exception {
        var stream = client.queryStream(QueryRequest.of("hi").inSession(SESSION).withModel("echo")
                .withMetadata(Json.createObjectBuilder().add("k", "v").build()).withIdempotencyKey("key-1"), events::add);
        var socket = next();
        assertEquals(List.of("/query_stream"), paths);
        assertEquals(json("{\"prompt\":\"hi\",\"session_id\":\"" + SESSION + "\",\"model\":\"echo\",\"metadata\":{\"k\":\"v\"},"
                + "\"idempotency_key\":\"key-1\"}"), socket.sent());
        socket.accept();
        assertEquals(new QueryStream.Accepted(PROMPT, SESSION, 1, "queued"), stream.accepted().get(5, TimeUnit.SECONDS));
        socket.event(5, "prompt.queued");
        socket.push("{\"type\":\"keep-alive\"}");
        socket.event(6, "message.delta");
        socket.event(7, "prompt.completed");
        var prompt = stream.result().get(5, TimeUnit.SECONDS);
        assertEquals("echo: hi", prompt.answer());
        assertEquals(List.of(5L, 6L, 7L), events.stream().map(Event::cursor).toList());
        assertEquals("piece 6", events.get(1).text());
        stream.done().get(5, TimeUnit.SECONDS);
        assertEquals(0, stream.reconnects());
        assertNull(socket.frames.poll(), "nothing more was sent");
    }

    @Test
    void aDropAfterAcceptedAttachesAfterTheLastEventAndNeverSendsThePromptAgain() throws Exception {
        var stream = client.queryStream(QueryRequest.of("hi"), events::add);
        var first = next();
        var key = first.sent().getString("idempotency_key");
        assertTrue(key.startsWith("rafiki-client-"), key);
        first.accept();
        first.event(5, "prompt.started");
        first.event(6, "message.delta");
        first.drop();

        var second = next();
        assertEquals(json("{\"type\":\"attach\",\"prompt_id\":\"" + PROMPT + "\",\"after\":6}"), second.sent());
        // the server repeats what the client has; it is dropped by its cursor
        second.event(6, "message.delta");
        second.event(7, "message.delta");
        second.close();

        var third = next();
        assertEquals(json("{\"type\":\"attach\",\"prompt_id\":\"" + PROMPT + "\",\"after\":7}"), third.sent());
        third.event(8, "prompt.completed");
        assertEquals("completed", stream.result().get(5, TimeUnit.SECONDS).status());
        assertEquals(List.of(5L, 6L, 7L, 8L), events.stream().map(Event::cursor).toList());
        assertEquals(2, stream.reconnects());
    }

    @Test
    void aDropBeforeAcceptedSendsThePromptAgainWithTheSameKey() throws Exception {
        var stream = client.queryStream(QueryRequest.of("hi"), events::add);
        var first = next();
        var prompt = first.sent();
        first.drop();
        var second = next();
        assertEquals(prompt, second.sent(), "the same frame, key included: the server answers with the prompt it took");
        second.accept();
        second.drop();
        var third = next();
        assertEquals(json("{\"type\":\"attach\",\"prompt_id\":\"" + PROMPT + "\"}"), third.sent(),
                "accepted, no event yet: from the prompt's first event");
        third.event(3, "prompt.completed");
        assertEquals("completed", stream.result().get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void aRefusedPromptEndsTheStreamAndARateLimitedOneIsSentAgain() throws Exception {
        var errors = new CopyOnWriteArrayList<RafikiException>();
        var limited = client.queryStream(QueryRequest.of("hi"), new EventListener() {
            @Override
            public void onEvent(Event event) {
                events.add(event);
            }

            @Override
            public void onError(RafikiException failure) {
                errors.add(failure);
            }
        });
        var first = next();
        first.push("{\"type\":\"error\",\"code\":\"rate-limited\",\"title\":\"t\",\"status\":429,\"detail\":\"d\",\"retry_after\":0}");
        var again = next();
        assertEquals(first.sent(), again.sent());
        again.push("{\"type\":\"error\",\"code\":\"session-busy\",\"title\":\"t\",\"status\":409,\"detail\":\"d\"}");
        var failure = assertThrows(ExecutionException.class, () -> limited.result().get(5, TimeUnit.SECONDS));
        assertEquals("session-busy", ((RafikiException) failure.getCause()).code());
        var notAccepted = assertThrows(ExecutionException.class, () -> limited.accepted().get(5, TimeUnit.SECONDS));
        assertInstanceOf(RafikiException.class, notAccepted.getCause());
        assertEquals(List.of("session-busy"), errors.stream().map(RafikiException::code).toList(), "the listener hears it too");
    }

    @Test
    void decisionsAndACancelGoOverTheStreamAndAreSentAgainAfterADrop() throws Exception {
        var stream = client.queryStream(QueryRequest.of("hi"), events::add);
        var first = next();
        first.sent();
        // asked before the prompt is accepted: sent once it is
        stream.cancel();
        first.accept();
        assertEquals(json("{\"type\":\"cancel\"}"), first.sent());
        first.event(4, "tool_call.approval_requested");
        var approved = stream.decide(ApprovalDecision.approve("call-1"));
        var denied = stream.decide(ApprovalDecision.deny("call-2", "no"));
        assertEquals(json("{\"tool_call_id\":\"call-1\",\"decision\":\"approve\",\"type\":\"approval\",\"prompt_id\":\""
                + PROMPT + "\"}"), first.sent());
        first.sent();
        first.push("{\"type\":\"approval\",\"approval\":{\"tool_call_id\":\"call-1\",\"status\":\"approved\",\"decision\":\"approve\"}}");
        assertEquals("approved", approved.get(5, TimeUnit.SECONDS).status());
        first.drop();

        // unanswered before the drop: the denial and the cancel go again, each safe to repeat
        var second = next();
        assertEquals("attach", second.sent().getString("type"));
        assertEquals("call-2", second.sent().getString("tool_call_id"));
        assertEquals(json("{\"type\":\"cancel\"}"), second.sent());
        second.push("{\"type\":\"error\",\"code\":\"approval-decided\",\"title\":\"t\",\"status\":409,\"detail\":\"d\"}");
        var refused = assertThrows(ExecutionException.class, () -> denied.get(5, TimeUnit.SECONDS));
        assertEquals("approval-decided", ((RafikiException) refused.getCause()).code());
        second.event(5, "prompt.cancelled");
        assertEquals("completed", stream.result().get(5, TimeUnit.SECONDS).status(), "as the scripted server has it");
        assertEquals(List.of(4L, 5L), events.stream().map(Event::cursor).toList());
        var late = assertThrows(ExecutionException.class, () -> stream.decide(ApprovalDecision.approve("x")).get(5, TimeUnit.SECONDS));
        assertEquals("stream-ended", ((RafikiException) late.getCause()).code());
    }

    @Test
    void aFlowSubscriberGetsWhatItRequestsThenOnComplete() throws Exception {
        var signals = new LinkedBlockingQueue<String>();
        var subscription = new java.util.concurrent.CompletableFuture<java.util.concurrent.Flow.Subscription>();
        var stream = client.queryStream(QueryRequest.of("hi"), new java.util.concurrent.Flow.Subscriber<Event>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                subscription.complete(s);
            }

            @Override
            public void onNext(Event item) {
                signals.add(item.cursor() + " " + item.type());
            }

            @Override
            public void onError(Throwable throwable) {
                signals.add("error " + throwable);
            }

            @Override
            public void onComplete() {
                signals.add("complete");
            }
        });
        var socket = next();
        socket.accept();
        socket.event(5, "prompt.started");
        socket.event(6, "message.delta");
        socket.event(7, "prompt.completed");
        assertNull(signals.poll(300, TimeUnit.MILLISECONDS), "nothing before it is requested");
        subscription.get(5, TimeUnit.SECONDS).request(1);
        assertEquals("5 prompt.started", signals.poll(5, TimeUnit.SECONDS));
        assertNull(signals.poll(300, TimeUnit.MILLISECONDS), "one at a time");
        subscription.get().request(5);
        assertEquals(List.of("6 message.delta", "7 prompt.completed", "complete"),
                List.of(signals.poll(5, TimeUnit.SECONDS), signals.poll(5, TimeUnit.SECONDS), signals.poll(5, TimeUnit.SECONDS)));
        assertEquals("completed", stream.result().get(5, TimeUnit.SECONDS).status());
        assertNull(signals.poll(300, TimeUnit.MILLISECONDS), "nothing after onComplete");
    }

    @Test
    void closingStopsFollowingAndEndsTheResult() throws Exception {
        var stream = client.queryStream(QueryRequest.of("hi"), events::add);
        var socket = next();
        socket.accept();
        stream.close();
        var failure = assertThrows(ExecutionException.class, () -> stream.result().get(5, TimeUnit.SECONDS));
        assertEquals("stream-ended", ((RafikiException) failure.getCause()).code());
        assertTrue(socket.closed, "the connection was dropped");
    }

    Socket next() throws InterruptedException {
        var socket = sockets.poll(5, TimeUnit.SECONDS);
        if (socket == null) {
            throw new AssertionError("the client did not connect");
        }
        return socket;
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** A scripted connection: frames the client sent, and what the test has the server say. */
    static final class Socket implements Frames {
        private static final Object CLOSED = new Object();
        private static final Object DROPPED = new Object();

        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        volatile boolean closed;

        /** The next frame the client sent. */
        JsonObject sent() throws InterruptedException {
            var frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("the client sent nothing");
            }
            return json(frame);
        }

        void push(String frame) {
            inbox.add(frame);
        }

        void accept() {
            push("{\"type\":\"accepted\",\"prompt_id\":\"" + PROMPT + "\",\"session_id\":\"" + SESSION
                    + "\",\"prompt_number\":1,\"status\":\"queued\"}");
        }

        void event(long seq, String type) {
            push(RafikiClientTest.event(seq).replace("message.delta", type).replace("{\"type\"", "{\"stream\":\"session\",\"type\""));
        }

        /** The server went away politely (a restart). */
        @Override
        public void close() {
            closed = true;
            inbox.add(CLOSED);
        }

        /** The connection broke. */
        void drop() {
            inbox.add(DROPPED);
        }

        @Override
        public void send(String frame) {
            frames.add(frame);
        }

        @Override
        public JsonObject next() throws IOException {
            Object next;
            try {
                next = inbox.take();
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
            if (next == CLOSED) {
                return null;
            }
            if (next == DROPPED) {
                throw new IOException("connection reset");
            }
            return json((String) next);
        }
    }
}
