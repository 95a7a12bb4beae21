package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.FakeModelServer.Reply;
import dev.rafiki.tool.control.ToolSpec;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Successful turns, streamed the way the Messages API streams them (bytes taken from its documentation). */
class AnthropicStreamingTest {

    static final BooleanSupplier NEVER = () -> false;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Shared by all Anthropic tests and never shut down: its thread is a daemon. */
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "anthropic-test-timer");
        thread.setDaemon(true);
        return thread;
    });

    FakeModelServer server = new FakeModelServer();
    AnthropicProvider provider = new AnthropicProvider(server.baseUrl(), "sk-ant-test", HTTP, TIMER);
    Recorder listener = new Recorder();

    @AfterEach
    void stopServer() {
        server.close();
    }

    static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    static ModelRequest request(String system, List<ChatMessage> messages, List<ToolSpec> tools) {
        return new ModelRequest("claude-sonnet-4-5", system, messages, tools, 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    static Reply eventStream() {
        return Reply.status(200).header("content-type", "text/event-stream; charset=utf-8")
                .header("request-id", "req_011CTEST");
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** Listener calls in order, as "text:…", "start:id:name" and "args:id:…". */
    static final class Recorder implements ModelStreamListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void textDelta(String text) {
            calls.add("text:" + text);
        }

        @Override
        public void toolCallStarted(String id, String name) {
            calls.add("start:" + id + ":" + name);
        }

        @Override
        public void toolCallArgumentsDelta(String id, String fragment) {
            calls.add("args:" + id + ":" + fragment);
        }
    }

    static final String MESSAGE_START = event("message_start", """
            {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message",\
            "role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,\
            "usage":{"input_tokens":25,"output_tokens":1}}}""");

    @Test
    void streamsTextDeltasInOrderAndEndsWithUsage() throws Exception {
        var body = MESSAGE_START
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("ping", "{\"type\": \"ping\"}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\", wörld\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"!\\nBye.\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
        // cut the bytes at awkward places: inside a line, between "\n" and "\n"
        int a = body.indexOf("Hello") + 2;
        int b = body.indexOf("content_block_stop") - 8;
        server.enqueue(eventStream().chunk(body.substring(0, a)).pause(Duration.ofMillis(30))
                .chunk(body.substring(a, b)).pause(Duration.ofMillis(30)).chunk(body.substring(b)));

        var turn = provider.complete(request("You are terse.", List.of(ChatMessage.user("Say hello")), List.of()),
                listener, NEVER);

        assertEquals(List.of("text:Hello", "text:, wörld", "text:!\nBye."), listener.calls);
        assertEquals("Hello, wörld!\nBye.", turn.text());
        assertEquals(List.of(), turn.toolCalls());
        assertEquals("end", turn.stopReason());
        assertEquals(25, turn.inputTokens());
        assertEquals(15, turn.outputTokens());

        var sent = server.onlyRequest();
        assertEquals("POST", sent.method());
        assertEquals("/v1/messages", sent.path());
        assertEquals("sk-ant-test", sent.header("x-api-key"));
        assertEquals("2023-06-01", sent.header("anthropic-version"));
        assertTrue(sent.header("content-type").startsWith("application/json"), sent.header("content-type"));
        var json = json(sent.body());
        assertEquals("claude-sonnet-4-5", json.getString("model"));
        assertEquals(1024, json.getInt("max_tokens"));
        assertEquals("You are terse.", json.getString("system"));
        assertTrue(json.getBoolean("stream"));
        assertEquals(json("{\"role\":\"user\",\"content\":\"Say hello\"}"), json.getJsonArray("messages").get(0));
        assertEquals(1, json.getJsonArray("messages").size());
        assertFalse(json.containsKey("tools"), "no tools key without tools");
    }

    @Test
    void leavesOutSystemWhenThereIsNoneAndToleratesATrailingSlash() throws Exception {
        var provider = new AnthropicProvider(URI.create(server.baseUrl() + "/"), "k", HTTP, TIMER);
        server.enqueue(eventStream().chunk(MESSAGE_START
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":1024}}")
                + event("message_stop", "{\"type\":\"message_stop\"}")));

        var turn = provider.complete(request(null, List.of(ChatMessage.user("Hi")), List.of()), listener, NEVER);

        assertEquals("max_tokens", turn.stopReason());
        assertEquals("", turn.text());
        assertEquals(1024, turn.outputTokens());
        var sent = server.onlyRequest();
        assertEquals("/v1/messages", sent.path());
        assertFalse(json(sent.body()).containsKey("system"));
    }

    @Test
    void reassemblesToolCallArgumentsFromInputJsonDeltas() throws Exception {
        server.enqueue(eventStream().chunk("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: ping
                data: {"type": "ping"}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let's check"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" both."}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisc"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"o, CA\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: content_block_start
                data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_02AbC","name":"read_file","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"path\\": \\"notes"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":".txt\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":2}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

                event: message_stop
                data: {"type":"message_stop"}

                """));

        var turn = provider.complete(request(null, List.of(ChatMessage.user("Weather and notes?")),
                List.of(new ToolSpec("get_weather", "Current weather", "{\"type\":\"object\"}"))), listener, NEVER);

        assertEquals("Okay, let's check both.", turn.text());
        assertEquals(List.of(
                new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", "{\"location\": \"San Francisco, CA\"}"),
                new ToolCall("toolu_02AbC", "read_file", "{\"path\": \"notes.txt\"}")), turn.toolCalls());
        assertEquals("tool_calls", turn.stopReason());
        assertEquals(472, turn.inputTokens());
        assertEquals(89, turn.outputTokens());
        assertEquals(List.of(
                "text:Okay, let's check", "text: both.",
                "start:toolu_01T1x1fJ34qAmk2tNTrN7Up6:get_weather",
                "args:toolu_01T1x1fJ34qAmk2tNTrN7Up6:{\"location\":",
                "args:toolu_01T1x1fJ34qAmk2tNTrN7Up6: \"San Francisc",
                "args:toolu_01T1x1fJ34qAmk2tNTrN7Up6:o, CA\"}",
                "start:toolu_02AbC:read_file",
                "args:toolu_02AbC:{\"path\": \"notes",
                "args:toolu_02AbC:.txt\"}"), listener.calls);
    }

    @Test
    void toolCallWithoutInputDeltasHasAnEmptyObjectAsArguments() throws Exception {
        server.enqueue(eventStream().chunk(MESSAGE_START
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"list_files\",\"input\":{}}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}")
                + event("message_stop", "{\"type\":\"message_stop\"}")));

        var turn = provider.complete(request(null, List.of(ChatMessage.user("ls")), List.of()), listener, NEVER);

        assertEquals(List.of(new ToolCall("toolu_9", "list_files", "{}")), turn.toolCalls());
        assertEquals("", turn.text());
        assertEquals(List.of("start:toolu_9:list_files"), listener.calls);
    }

    @Test
    void normalisesStopReasons() {
        assertEquals("end", AnthropicProvider.normalise("end_turn"));
        assertEquals("end", AnthropicProvider.normalise("stop_sequence"));
        assertEquals("tool_calls", AnthropicProvider.normalise("tool_use"));
        assertEquals("max_tokens", AnthropicProvider.normalise("max_tokens"));
        assertEquals("refusal", AnthropicProvider.normalise("refusal"));
        assertEquals("pause_turn", AnthropicProvider.normalise("pause_turn"));
    }
}
