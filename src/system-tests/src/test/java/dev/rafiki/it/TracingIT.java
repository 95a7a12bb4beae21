package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.OtlpReceiver;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MicroProfile Telemetry switched on by {@code RAFIKI_TRACING_OTLP_ENDPOINT}, exporting to an
 * OTLP receiver in the test: a prompt's life (request, run, model turns, tool calls, commits,
 * delivery) is one trace, the trace the client's own {@code traceparent} started, whether the
 * prompt ran at once in memory or waited in the durable queue and ran after a JMS wake-up.
 * Through the Java client, but for the requests that carry the test's own {@code traceparent}.
 */
class TracingIT {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final int SERVER = 2;
    static final int CONSUMER = 5;

    static OtlpReceiver receiver;
    static RafikiServer server;
    static Api api;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        server = RafikiServer.start("tracing", RafikiServer.env(
                "RAFIKI_TRACING_OTLP_ENDPOINT", receiver.endpoint(),
                // spans leave in small batches, so the test does not wait for the default 5 s
                "OTEL_BSP_SCHEDULE_DELAY", "200"));
        api = server.api("tracing-user");
        rafiki = server.client("tracing-user");
    }

    @AfterAll
    static void stop() {
        if (rafiki != null) {
            rafiki.close();
        }
        if (server != null) {
            server.stop();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aPromptRunInMemoryIsOneTraceFromRequestToDelivery() {
        var trace = newTraceId();
        var client = newSpanId();
        // raw: the traceparent header the request carries is the wire the trace must continue from
        var response = api.post("/query", Json.createObjectBuilder()
                .add("prompt", "/tool write_file {\"path\":\"traced.txt\",\"content\":\"hello\"}").build().toString(),
                "traceparent", "00-" + trace + "-" + client + "-01");
        assertEquals(200, response.status(), response.body());
        var promptId = response.json().getString("id");

        var spans = Await.until("the prompt's spans", PATIENCE, () -> trace(trace),
                s -> names(s).containsAll(Set.of("rafiki.prompt.run", "rafiki.model.call", "rafiki.tool.call",
                        "rafiki.commit", "rafiki.deliver")) && s.stream().anyMatch(x -> x.kind() == SERVER)
                        && orphans(s, client).isEmpty());
        var run = only(spans, "rafiki.prompt.run");
        assertEquals(promptId, run.attribute("rafiki.prompt_id"));
        assertEquals("fast-lane", run.attribute("rafiki.path"));
        assertEquals("rafiki", run.resource().get("service.name"));

        var models = spans.stream().filter(s -> s.name().equals("rafiki.model.call")).toList();
        assertEquals(2, models.size(), "a turn asking for the tool, a turn answering: " + models);
        models.forEach(m -> assertEquals(run.spanId(), m.parentSpanId(), "model turns are steps of the run"));
        assertEquals("echo", models.get(0).attribute("rafiki.model"));
        var tool = only(spans, "rafiki.tool.call");
        assertEquals("write_file", tool.attribute("rafiki.tool"));
        assertEquals(run.spanId(), tool.parentSpanId());
        assertConnected(spans, client);
    }

    @Test
    void aQueuedPromptRunsInTheTraceOfTheRequestThatQueuedIt() throws Exception {
        var session = rafiki.sessions().create().id();
        // the first prompt holds the session for a while, so the second one queues behind it
        var first = CompletableFuture.supplyAsync(() -> rafiki.query(
                QueryRequest.of("/slow 150 one two three four five six seven eight").inSession(session)));
        Await.until("the first prompt running", PATIENCE, () -> rafiki.sessions().get(session).status(), "running"::equals);
        var trace = newTraceId();
        var client = newSpanId();
        // raw: the traceparent header the request carries is the wire the trace must continue from
        var second = api.post("/query", Json.createObjectBuilder().add("session_id", session.toString()).add("prompt", "queued")
                .build().toString(), "traceparent", "00-" + trace + "-" + client + "-01");
        assertEquals(200, second.status(), second.body());
        var firstEnded = first.get();
        assertEquals("completed", firstEnded.status(), firstEnded.toString());
        var promptId = second.json().getString("id");

        // the request's own span ends after its response and may be exported after the run's
        var spans = Await.until("the queued prompt's spans", PATIENCE, () -> trace(trace),
                s -> s.stream().anyMatch(x -> x.name().equals("rafiki.prompt.run")
                        && promptId.equals(x.attribute("rafiki.prompt_id"))) && names(s).contains("rafiki.model.call")
                        && orphans(s, client).isEmpty());
        var run = only(spans, "rafiki.prompt.run");
        assertEquals("durable", run.attribute("rafiki.path"), "it waited in the queue and ran after a JMS wake-up");
        assertEquals(run.spanId(), only(spans, "rafiki.model.call").parentSpanId());
        assertConnected(spans, client);
        assertTrue(receiver.spans().stream().anyMatch(s -> s.name().equals("rafiki.dispatch") && s.kind() == CONSUMER
                        && session.toString().equals(s.attribute("rafiki.session_id"))),
                "the wake-up's delivery to the message-driven bean is a span of its own");
    }

    /** Every span's parent is in the trace or is the client's own span, which the server span hangs from. */
    static void assertConnected(List<OtlpReceiver.Span> spans, String client) {
        assertEquals(List.of(), orphans(spans, client), "spans whose parent is neither in the trace nor the client's span");
        var request = spans.stream().filter(s -> s.parentSpanId().equals(client) && s.kind() == SERVER).toList();
        assertEquals(1, request.size(), "the HTTP request's span is a child of the client's: " + spans);
    }

    static List<OtlpReceiver.Span> orphans(List<OtlpReceiver.Span> spans, String client) {
        var ids = spans.stream().map(OtlpReceiver.Span::spanId).collect(Collectors.toSet());
        return spans.stream().filter(s -> !ids.contains(s.parentSpanId()) && !s.parentSpanId().equals(client)).toList();
    }

    static List<OtlpReceiver.Span> trace(String traceId) {
        return receiver.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    static Set<String> names(List<OtlpReceiver.Span> spans) {
        return spans.stream().map(OtlpReceiver.Span::name).collect(Collectors.toSet());
    }

    static OtlpReceiver.Span only(List<OtlpReceiver.Span> spans, String name) {
        var named = spans.stream().filter(s -> s.name().equals(name)).toList();
        assertEquals(1, named.size(), name + ": " + named);
        return named.get(0);
    }

    static String newTraceId() {
        return hex(16);
    }

    static String newSpanId() {
        return hex(8);
    }

    static String hex(int bytes) {
        var b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        b[0] |= 1; // never all zeros, which W3C calls invalid
        return HexFormat.of().formatHex(b);
    }
}
