package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.FakeModelServer.Reply;
import dev.rafiki.agent.model.OpenAiChatProviderTest.RecordingListener;
import dev.rafiki.agent.model.OpenAiChatProviderTest.Streams;
import dev.rafiki.tool.control.ToolSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link OpenAiChatProvider} fails: always a {@link ModelException} with a stable code, and always in bounded time. */
class OpenAiChatProviderErrorsTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    });
    static final BooleanSupplier NEVER = () -> false;

    FakeModelServer server = new FakeModelServer();
    RecordingListener listener = new RecordingListener();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @AfterAll
    static void stopTimer() {
        TIMER.shutdownNow();
    }

    @Test
    void unauthorizedIsNotRetryableAndCarriesTheProviderMessage() {
        server.enqueue(Reply.status(401).header("Content-Type", "application/json").chunk("""
                {"error":{"message":"Incorrect API key provided: sk-te**st.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
                """));

        var e = fail(request());

        assertEquals("model-unauthorized", e.code());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        assertTrue(e.getMessage().contains("Incorrect API key provided: sk-te**st."), e.getMessage());
    }

    @Test
    void forbiddenIsUnauthorized() {
        server.enqueue(Reply.status(403).chunk("{\"error\":{\"message\":\"Project does not have access\"}}"));

        var e = fail(request());

        assertEquals("model-unauthorized", e.code());
        assertFalse(e.retryable());
    }

    @Test
    void rateLimitedHonoursRetryAfterSeconds() {
        server.enqueue(Reply.status(429).header("Content-Type", "application/json").header("Retry-After", "7").chunk("""
                {"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}"""));

        var e = fail(request());

        assertEquals("model-rate-limited", e.code());
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertTrue(e.getMessage().contains("Rate limit reached"), e.getMessage());
    }

    @Test
    void rateLimitedWithoutRetryAfterHasNone() {
        server.enqueue(Reply.status(429).chunk("{\"error\":{\"message\":\"slow down\"}}"));

        var e = fail(request());

        assertEquals("model-rate-limited", e.code());
        assertNull(e.retryAfter());
    }

    @Test
    void serverErrorIsUnavailableAndRetryable() {
        server.enqueue(Reply.status(500).chunk("{\"error\":{\"message\":\"The server had an error while processing your request.\"}}"));

        var e = fail(request());

        assertEquals("model-unavailable", e.code());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("The server had an error"), e.getMessage());
    }

    @Test
    void gatewayErrorWithoutJsonBodyIsUnavailable() {
        server.enqueue(Reply.status(502).header("Content-Type", "text/html").chunk("<html>Bad Gateway</html>"));

        var e = fail(request());

        assertEquals("model-unavailable", e.code());
        assertTrue(e.getMessage().contains("502"), e.getMessage());
    }

    @Test
    void badRequestCarriesTheProviderMessageTruncated() {
        server.enqueue(Reply.status(400).header("Content-Type", "application/json").chunk("""
                {"error":{"message":"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.","type":"invalid_request_error","param":"messages.[1].role","code":null}}"""));
        server.enqueue(Reply.status(404).chunk("{\"error\":{\"message\":\"" + "x".repeat(2000) + "\"}}"));

        var e = fail(request());
        var long404 = fail(request());

        assertEquals("model-bad-request", e.code());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("messages with role 'tool' must be a response"), e.getMessage());
        assertEquals("model-bad-request", long404.code());
        assertTrue(long404.getMessage().length() < 600, "message length " + long404.getMessage().length());
        assertTrue(long404.getMessage().contains("x".repeat(500)));
    }

    @Test
    void ollamaStyleErrorTextIsUsed() {
        server.enqueue(Reply.status(404).chunk("{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}"));

        var e = fail(request());

        assertEquals("model-bad-request", e.code());
        assertTrue(e.getMessage().contains("model \"llama9\" not found"), e.getMessage());
    }

    @Test
    void chunkThatIsNotJsonIsMalformed() {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}"""),
                "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\n\n",
                Streams.DONE));

        var e = fail(request());

        assertEquals("model-malformed-response", e.code());
        assertTrue(e.retryable());
        assertEquals(List.of("text:Hi"), listener.events);
    }

    @Test
    void streamCutBeforeDoneIsMalformed() {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}""")).cut());

        var e = fail(request());

        assertEquals("model-malformed-response", e.code());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("broke"), "a cut connection, not a clean end: " + e.getMessage());
        assertEquals(List.of("text:Hi"), listener.events);
    }

    @Test
    void streamEndingCleanlyWithoutDoneIsMalformed() {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}""")));

        var e = fail(request());

        assertEquals("model-malformed-response", e.code());
    }

    @Test
    void errorObjectInTheStreamIsUnavailable() {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}"""),
                "data: {\"error\":{\"message\":\"The model is overloaded\",\"type\":\"server_error\"}}\n\n",
                Streams.DONE));

        var e = fail(request());

        assertEquals("model-unavailable", e.code());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("The model is overloaded"), e.getMessage());
    }

    @Test
    void silentServerTimesOutAfterTheIdleTimeout() {
        server.enqueue(Reply.status(200).header("Content-Type", "text/event-stream").hang());
        var request = new ModelRequest("gpt-4o-mini", null, List.of(ChatMessage.user("hi")), List.of(), 64,
                Duration.ofSeconds(2), Duration.ofMillis(300));

        long start = System.nanoTime();
        var e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> fail(request));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals("model-timeout", e.code());
        assertTrue(e.retryable());
        assertTrue(millis >= 250 && millis < 5000, "took " + millis + " ms");
    }

    @Test
    void silenceMidStreamTimesOut() {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}""")).hang());
        var request = new ModelRequest("gpt-4o-mini", null, List.of(ChatMessage.user("hi")), List.of(), 64,
                Duration.ofSeconds(2), Duration.ofMillis(300));

        var e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> fail(request));

        assertEquals("model-timeout", e.code());
        assertEquals(List.of("text:Hi"), listener.events);
    }

    @Test
    void serverThatNeverAnswersTimesOutAfterTheConnectTimeout() throws Exception {
        // a listening socket that is never accepted: the connection opens, no response ever comes
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var provider = new OpenAiChatProvider(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1"), "k",
                    HTTP, TIMER);
            var request = new ModelRequest("m", null, List.of(ChatMessage.user("hi")), List.of(), 64,
                    Duration.ofMillis(300), Duration.ofSeconds(30));

            long start = System.nanoTime();
            var e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(ModelException.class, () -> provider.complete(request, listener, NEVER)));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertEquals("model-timeout", e.code());
            assertTrue(millis < 3000, "took " + millis + " ms");
        }
    }

    @Test
    void connectionRefusedIsUnavailable() throws Exception {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var provider = new OpenAiChatProvider(URI.create("http://127.0.0.1:" + port + "/v1"), "k", HTTP, TIMER);

        var e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ModelException.class, () -> provider.complete(request(), listener, NEVER)));

        assertEquals("model-unavailable", e.code());
        assertTrue(e.retryable());
    }

    @Test
    void cancellationDuringASlowStreamStopsWithinASecond() {
        var reply = Streams.ok(Streams.chunk("""
                {"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}"""));
        for (int i = 0; i < 100; i++) {
            reply.chunk(Streams.chunk("{\"index\":0,\"delta\":{\"content\":\"w" + i + " \"},\"finish_reason\":null}"))
                    .pause(Duration.ofMillis(100));
        }
        server.enqueue(reply.chunk(Streams.DONE));
        var request = new ModelRequest("gpt-4o-mini", null, List.of(ChatMessage.user("hi")), List.of(), 64,
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        var cancelAt = new AtomicLong();
        ModelStreamListener cancelAfterThirdWord = new ModelStreamListener() {
            int words;

            @Override
            public void textDelta(String text) {
                if (++words == 3) {
                    cancelAt.set(System.nanoTime());
                }
            }
        };

        var e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ModelException.class,
                () -> provider().complete(request, cancelAfterThirdWord, () -> cancelAt.get() != 0)));
        long millis = (System.nanoTime() - cancelAt.get()) / 1_000_000;

        assertEquals("model-cancelled", e.code());
        assertFalse(e.retryable());
        assertTrue(millis < 1000, "stopped " + millis + " ms after cancellation");
    }

    @Test
    void interruptingTheCallerWhileItWaitsForHeadersCountsAsCancellation() throws Exception {
        // only this phase: on JDK 17 an interrupt does not wake a read of the body, the cancelled flag does
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var provider = new OpenAiChatProvider(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1"), "k",
                    HTTP, TIMER);
            var request = new ModelRequest("m", null, List.of(ChatMessage.user("hi")), List.of(), 64,
                    Duration.ofSeconds(30), Duration.ofSeconds(30));
            var outcome = new CompletableFuture<ModelException>();
            var caller = new Thread(() -> {
                try {
                    provider.complete(request, ModelStreamListener.NONE, NEVER);
                    outcome.complete(null);
                } catch (ModelException e) {
                    outcome.complete(e);
                }
            });
            caller.start();
            Thread.sleep(200);
            caller.interrupt();

            var e = outcome.get(1, TimeUnit.SECONDS);

            assertEquals("model-cancelled", e.code());
        }
    }

    @Test
    void cancellationWhileWaitingForHeadersStopsWithinASecond() throws Exception {
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var provider = new OpenAiChatProvider(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1"), "k",
                    HTTP, TIMER);
            var request = new ModelRequest("m", null, List.of(ChatMessage.user("hi")), List.of(), 64,
                    Duration.ofSeconds(30), Duration.ofSeconds(30));
            long cancelAt = System.nanoTime() + 200_000_000L;

            var e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ModelException.class,
                    () -> provider.complete(request, listener, () -> System.nanoTime() - cancelAt > 0)));
            long millis = (System.nanoTime() - cancelAt) / 1_000_000;

            assertEquals("model-cancelled", e.code());
            assertTrue(millis < 1000, "stopped " + millis + " ms after cancellation");
        }
    }

    @Test
    void cancelledBeforeTheCallSendsNothing() {
        var e = fail(request(), () -> true);

        assertEquals("model-cancelled", e.code());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void invalidToolSchemaIsABadRequestNotACrash() {
        var request = new ModelRequest("m", null, List.of(ChatMessage.user("hi")),
                List.of(new ToolSpec("broken", "d", "{not json")), 64, Duration.ofSeconds(2), Duration.ofSeconds(2));

        var e = fail(request);

        assertEquals("model-bad-request", e.code());
        assertFalse(e.retryable());
        assertTrue(server.requests().isEmpty());
    }

    ModelException fail(ModelRequest request) {
        return fail(request, NEVER);
    }

    ModelException fail(ModelRequest request, BooleanSupplier cancelled) {
        return assertThrows(ModelException.class, () -> provider().complete(request, listener, cancelled));
    }

    OpenAiChatProvider provider() {
        return new OpenAiChatProvider(URI.create(server.baseUrl() + "/v1"), "sk-test", HTTP, TIMER);
    }

    static ModelRequest request() {
        return OpenAiChatProviderTest.request("hi");
    }
}
