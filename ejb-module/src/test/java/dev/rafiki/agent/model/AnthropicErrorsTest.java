package dev.rafiki.agent.model;

import static dev.rafiki.agent.model.AnthropicStreamingTest.HTTP;
import static dev.rafiki.agent.model.AnthropicStreamingTest.MESSAGE_START;
import static dev.rafiki.agent.model.AnthropicStreamingTest.NEVER;
import static dev.rafiki.agent.model.AnthropicStreamingTest.TIMER;
import static dev.rafiki.agent.model.AnthropicStreamingTest.event;
import static dev.rafiki.agent.model.AnthropicStreamingTest.eventStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.AnthropicStreamingTest.Recorder;
import dev.rafiki.agent.model.FakeModelServer.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every failure ends in a ModelException with a stable code, and none of them hangs. */
class AnthropicErrorsTest {

    static final Duration FAST = Duration.ofSeconds(5);

    FakeModelServer server = new FakeModelServer();
    AnthropicProvider provider = new AnthropicProvider(server.baseUrl(), "k", HTTP, TIMER);
    Recorder listener = new Recorder();

    @AfterEach
    void stopServer() {
        server.close();
    }

    static ModelRequest request(Duration connectTimeout, Duration idleTimeout) {
        return new ModelRequest("claude-sonnet-4-5", null, List.of(ChatMessage.user("Hi")), List.of(), 256,
                connectTimeout, idleTimeout);
    }

    ModelException failure(Reply reply) {
        server.enqueue(reply);
        return failure(provider, request(FAST, FAST), NEVER);
    }

    ModelException failure(AnthropicProvider provider, ModelRequest request, BooleanSupplier cancelled) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ModelException.class, () -> provider.complete(request, listener, cancelled)));
    }

    static Reply jsonError(int status, String type, String message) {
        return Reply.status(status).header("content-type", "application/json")
                .chunk("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}");
    }

    static final String TEXT_START = MESSAGE_START
            + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
            + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}");

    @Test
    void unauthorizedIsNotRetryable() {
        var e = failure(jsonError(401, "authentication_error", "invalid x-api-key"));

        assertEquals("model-unauthorized", e.code());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("invalid x-api-key"), e.getMessage());
    }

    @Test
    void withoutAKeyTheServiceDecidesAndItsRefusalIsUnauthorized() {
        server.enqueue(jsonError(401, "authentication_error", "x-api-key header is required"));
        var keyless = new AnthropicProvider(server.baseUrl(), null, HTTP, TIMER);

        var e = failure(keyless, request(FAST, FAST), NEVER);

        assertEquals("model-unauthorized", e.code());
        assertEquals(null, server.onlyRequest().header("x-api-key"));
    }

    @Test
    void forbiddenIsUnauthorized() {
        var e = failure(jsonError(403, "permission_error", "Your API key does not have permission to use the specified resource."));

        assertEquals("model-unauthorized", e.code());
        assertFalse(e.retryable());
    }

    @Test
    void rateLimitedCarriesRetryAfter() {
        var e = failure(jsonError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
                .header("retry-after", "17"));

        assertEquals("model-rate-limited", e.code());
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(17), e.retryAfter());
        assertTrue(e.getMessage().contains("per-minute rate limit"), e.getMessage());
    }

    @Test
    void rateLimitedWithoutRetryAfterHasNone() {
        var e = failure(jsonError(429, "rate_limit_error", "slow down"));

        assertEquals("model-rate-limited", e.code());
        assertNull(e.retryAfter());
    }

    @Test
    void overloadedAndServerErrorsAreRetryableUnavailability() {
        for (var reply : List.of(jsonError(529, "overloaded_error", "Overloaded"), jsonError(500, "api_error", "Internal server error"),
                Reply.status(503).chunk("<html>upstream connect error</html>"))) {
            var e = failure(reply);

            assertEquals("model-unavailable", e.code());
            assertTrue(e.retryable());
        }
        assertTrue(server.requests().size() == 3, "no retries inside the provider");
    }

    @Test
    void badRequestCarriesTheProvidersMessageTruncated() {
        var e = failure(jsonError(400, "invalid_request_error", "messages: roles must alternate between \\\"user\\\" and \\\"assistant\\\""));

        assertEquals("model-bad-request", e.code());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("messages: roles must alternate between \"user\" and \"assistant\""), e.getMessage());

        var long_ = failure(jsonError(413, "request_too_large", "x".repeat(5000)));
        assertEquals("model-bad-request", long_.code());
        assertTrue(long_.getMessage().length() < 600, "length " + long_.getMessage().length());
    }

    @Test
    void errorEventMidStreamIsRetryableUnavailability() {
        var e = failure(eventStream().chunk(TEXT_START)
                .chunk(event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));

        assertEquals("model-unavailable", e.code());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("Overloaded"), e.getMessage());
        assertEquals(List.of("text:Hel"), listener.calls, "what streamed before the error was delivered");
    }

    @Test
    void rateLimitErrorEventIsRateLimited() {
        var e = failure(eventStream().chunk(MESSAGE_START)
                .chunk(event("error", "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Rate limited\"}}")));

        assertEquals("model-rate-limited", e.code());
        assertTrue(e.retryable());
    }

    @Test
    void invalidJsonDataIsMalformed() {
        var e = failure(eventStream().chunk(TEXT_START)
                .chunk("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\n\n"));

        assertEquals("model-malformed-response", e.code());
        assertTrue(e.retryable());
    }

    @Test
    void connectionCutBeforeMessageStopIsMalformed() {
        var e = failure(eventStream().chunk(TEXT_START).pause(Duration.ofMillis(50)).cut());

        assertEquals("model-malformed-response", e.code());
        assertTrue(e.retryable());
    }

    @Test
    void cutInTheMiddleOfAnEventIsMalformed() {
        var e = failure(eventStream().chunk(TEXT_START + "event: content_block_delta\ndata: {\"type\":").cut());

        assertEquals("model-malformed-response", e.code());
    }

    @Test
    void streamEndingCleanlyBeforeMessageStopIsMalformed() {
        var e = failure(eventStream().chunk(TEXT_START
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}")));

        assertEquals("model-malformed-response", e.code());
        assertTrue(e.retryable());
    }

    @Test
    void headersThenSilenceTimesOutAfterTheIdleTimeout() {
        server.enqueue(eventStream().hang());
        long start = System.nanoTime();

        var e = failure(provider, request(FAST, Duration.ofMillis(300)), NEVER);

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("model-timeout", e.code());
        assertTrue(e.retryable());
        assertTrue(millis >= 250 && millis < 5000, millis + " ms");
    }

    @Test
    void silenceAfterSomeEventsTimesOutToo() {
        server.enqueue(eventStream().chunk(TEXT_START).hang());

        var e = failure(provider, request(FAST, Duration.ofMillis(300)), NEVER);

        assertEquals("model-timeout", e.code());
        assertEquals(List.of("text:Hel"), listener.calls);
    }

    @Test
    void serverThatNeverAnswersTimesOutAfterTheConnectTimeout() throws IOException {
        // the kernel accepts the connection into the backlog; nobody ever reads the request
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var provider = new AnthropicProvider(URI.create("http://127.0.0.1:" + silent.getLocalPort()), "k", HTTP, TIMER);

            var e = failure(provider, request(Duration.ofMillis(400), FAST), NEVER);

            assertEquals("model-timeout", e.code());
            assertTrue(e.retryable());
        }
    }

    @Test
    void connectionRefusedIsUnavailable() throws IOException {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var provider = new AnthropicProvider(URI.create("http://127.0.0.1:" + port), "k", HTTP, TIMER);

        var e = failure(provider, request(FAST, FAST), NEVER);

        assertEquals("model-unavailable", e.code());
        assertTrue(e.retryable());
    }

    @Test
    void cancelledBeforeSendingSendsNothing() {
        var e = failure(provider, request(FAST, FAST), () -> true);

        assertEquals("model-cancelled", e.code());
        assertFalse(e.retryable());
        assertEquals(List.of(), server.requests());
    }

    @Test
    void cancellationDuringASlowStreamStopsWithinASecond() {
        var reply = eventStream().chunk(TEXT_START);
        for (int i = 0; i < 50; i++) {
            reply.pause(Duration.ofMillis(200)).chunk(event("ping", "{\"type\": \"ping\"}"));
        }
        server.enqueue(reply);
        var cancelled = new AtomicBoolean();
        var cancelledAt = new AtomicLong();
        TIMER.schedule(() -> {
            cancelledAt.set(System.nanoTime());
            cancelled.set(true);
        }, 500, java.util.concurrent.TimeUnit.MILLISECONDS);

        var e = failure(provider, request(FAST, FAST), cancelled::get);

        long millis = (System.nanoTime() - cancelledAt.get()) / 1_000_000;
        assertEquals("model-cancelled", e.code());
        assertTrue(cancelledAt.get() != 0 && millis < 1000, millis + " ms after cancelling");
        assertEquals(List.of("text:Hel"), listener.calls);
    }

    @Test
    void cancellationWhileWaitingForHeadersStopsWithinASecond() throws IOException {
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var provider = new AnthropicProvider(URI.create("http://127.0.0.1:" + silent.getLocalPort()), "k", HTTP, TIMER);
            long start = System.nanoTime();
            BooleanSupplier cancelled = () -> System.nanoTime() - start > 300_000_000L;

            var e = failure(provider, request(Duration.ofSeconds(30), FAST), cancelled);

            assertEquals("model-cancelled", e.code());
            assertTrue(System.nanoTime() - start < 1_300_000_000L);
        }
    }
}
