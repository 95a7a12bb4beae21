package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.FakeModelServer.Reply;
import dev.rafiki.tool.control.ToolSpec;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The happy paths of {@link OpenAiChatProvider}: real HTTP to a scripted server, streams as OpenAI sends them. */
class OpenAiChatProviderTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    });

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
    void streamsTextDeltasInOrderAndReturnsTheWholeTurn() throws Exception {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"content":","},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}"""),
                Streams.usage(12, 3),
                Streams.DONE));

        var turn = provider("sk-test").complete(request("Say hello"), listener, () -> false);

        assertEquals(List.of("text:Hello", "text:,", "text: world"), listener.events);
        assertEquals("Hello, world", turn.text());
        assertEquals(List.of(), turn.toolCalls());
        assertEquals("end", turn.stopReason());
        assertEquals(12, turn.inputTokens());
        assertEquals(3, turn.outputTokens());

        var sent = server.onlyRequest();
        assertEquals("POST", sent.method());
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals("Bearer sk-test", sent.header("Authorization"));
        assertTrue(sent.header("Content-Type").startsWith("application/json"));
        var body = jsonObject(sent.body());
        assertEquals("gpt-4o-mini", body.getString("model"));
        assertEquals(256, body.getInt("max_tokens"));
        assertTrue(body.getBoolean("stream"));
        assertTrue(body.getJsonObject("stream_options").getBoolean("include_usage"));
        assertEquals(json("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}]"""), body.getJsonArray("messages"));
        assertFalse(body.containsKey("tools"), "no tools offered, no tools key");
    }

    @Test
    void trailingSlashAndNoKeyMeanNoDoubleSlashAndNoAuthorization() throws Exception {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":"stop"}"""),
                Streams.DONE));
        var provider = new OpenAiChatProvider(URI.create(server.baseUrl() + "/v1/"), null, HTTP, TIMER);

        var turn = provider.complete(new ModelRequest("llama3.2", null, List.of(ChatMessage.user("hi")), List.of(), 16,
                Duration.ofSeconds(2), Duration.ofSeconds(2)), listener, () -> false);

        assertEquals("ok", turn.text());
        assertEquals(0, turn.inputTokens(), "a server that reports no usage counts nothing");
        assertEquals(0, turn.outputTokens());
        var sent = server.onlyRequest();
        assertEquals("/v1/chat/completions", sent.path());
        assertNull(sent.header("Authorization"));
        assertEquals(json("""
                [{"role":"user","content":"hi"}]"""), jsonObject(sent.body()).getJsonArray("messages"),
                "no system prompt, no system message");
    }

    @Test
    void reassemblesTwoParallelToolCallsFromFragments() throws Exception {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A1","type":"function","function":{"name":"read_file","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"pa"}}]},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"th\\": \\"src/Ma"}}]},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"in.java\\"}"}}]},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B2","type":"function","function":{"name":"list_dir","arguments":""}}]},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"path\\":"}}]},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \\"é \\\\\\"q\\\\\\"\\"}"}}]},"logprobs":null,"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}"""),
                Streams.usage(80, 41),
                Streams.DONE));

        var turn = provider("sk-test").complete(request("Look around"), listener, () -> false);

        var readFile = new ToolCall("call_A1", "read_file", "{\"path\": \"src/Main.java\"}");
        var listDir = new ToolCall("call_B2", "list_dir", "{\"path\": \"é \\\"q\\\"\"}");
        assertEquals(List.of(readFile, listDir), turn.toolCalls());
        assertEquals("tool_calls", turn.stopReason());
        assertEquals("", turn.text());
        assertEquals(80, turn.inputTokens());
        assertEquals(41, turn.outputTokens());
        assertEquals(List.of(
                "start:call_A1:read_file",
                "args:call_A1:{\"pa",
                "args:call_A1:th\": \"src/Ma",
                "args:call_A1:in.java\"}",
                "start:call_B2:list_dir",
                "args:call_B2:{\"path\":",
                "args:call_B2: \"é \\\"q\\\"\"}"), listener.events);
    }

    @Test
    void serialisesAConversationWithToolCallsAndResults() throws Exception {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Done."},"finish_reason":"stop"}"""),
                Streams.DONE));
        var conversation = List.of(
                ChatMessage.user("Read the file"),
                ChatMessage.assistant("", List.of(new ToolCall("call_1", "read_file", "{\"path\":\"a.txt\"}"),
                        new ToolCall("call_2", "read_file", "{\"path\":\"b.txt\"}"))),
                ChatMessage.toolResult("call_1", "alpha", false),
                ChatMessage.toolResult("call_2", "no such file", true),
                ChatMessage.assistant("One was missing.", List.of()),
                ChatMessage.user("Thanks"));
        var tools = List.of(new ToolSpec("read_file", "Reads a file of the workspace",
                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"));

        provider("sk-test").complete(new ModelRequest("gpt-4o-mini", "Be brief.", conversation, tools, 512,
                Duration.ofSeconds(2), Duration.ofSeconds(2)), listener, () -> false);

        var body = jsonObject(server.onlyRequest().body());
        assertEquals(json("""
                [
                  {"role":"system","content":"Be brief."},
                  {"role":"user","content":"Read the file"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"a.txt\\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"b.txt\\"}"}}
                  ]},
                  {"role":"tool","tool_call_id":"call_1","content":"alpha"},
                  {"role":"tool","tool_call_id":"call_2","content":"Error: no such file"},
                  {"role":"assistant","content":"One was missing."},
                  {"role":"user","content":"Thanks"}
                ]"""), body.getJsonArray("messages"));
        assertEquals(json("""
                [{"type":"function","function":{"name":"read_file","description":"Reads a file of the workspace",
                  "parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}}]"""),
                body.getJsonArray("tools"));
        assertEquals(512, body.getInt("max_tokens"));
    }

    @Test
    void lengthFinishIsMaxTokensAndUnknownReasonsPassThrough() throws Exception {
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"Once upon"},"finish_reason":"length"}"""),
                Streams.DONE));
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"content_filter"}"""),
                Streams.DONE));

        assertEquals("max_tokens", provider("k").complete(request("story"), listener, () -> false).stopReason());
        assertEquals("content_filter", provider("k").complete(request("story"), listener, () -> false).stopReason());
    }

    @Test
    void readsEventsSplitAcrossNetworkWritesAndIgnoresKeepAlives() throws Exception {
        var whole = Streams.chunk("""
                {"index":0,"delta":{"content":"split"},"finish_reason":null}""");
        int cut = whole.length() / 2;
        server.enqueue(Reply.status(200).header("Content-Type", "text/event-stream")
                .chunk(": keep-alive\n\n")
                .chunk(whole.substring(0, cut)).pause(Duration.ofMillis(50))
                .chunk(whole.substring(cut))
                .chunk(Streams.chunk("""
                        {"index":0,"delta":{},"finish_reason":"stop"}""") + Streams.usage(5, 1) + Streams.DONE));

        var turn = provider("k").complete(request("split"), listener, () -> false);

        assertEquals("split", turn.text());
        assertEquals(List.of("text:split"), listener.events);
        assertEquals(5, turn.inputTokens());
    }

    @Test
    void toolCallsFinishedWithStopAreStillToolCalls() throws Exception {
        // older Ollama sends each call whole, without an index, and finishes with "stop"
        server.enqueue(Streams.ok(
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_x","type":"function","function":{"name":"now","arguments":"{}"}}]},"finish_reason":null}"""),
                Streams.chunk("""
                        {"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}"""),
                Streams.DONE));

        var turn = provider(null).complete(request("time?"), listener, () -> false);

        assertEquals(List.of(new ToolCall("call_x", "now", "{}")), turn.toolCalls());
        assertEquals("tool_calls", turn.stopReason());
        assertEquals(List.of("start:call_x:now", "args:call_x:{}"), listener.events);
    }

    OpenAiChatProvider provider(String key) {
        return new OpenAiChatProvider(URI.create(server.baseUrl() + "/v1"), key, HTTP, TIMER);
    }

    static ModelRequest request(String prompt) {
        return new ModelRequest("gpt-4o-mini", "Be brief.", List.of(ChatMessage.user(prompt)), List.of(), 256,
                Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    static JsonValue json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    static JsonObject jsonObject(String text) {
        return json(text).asJsonObject();
    }

    /** Bodies in the exact shape the Chat Completions API streams them. */
    static final class Streams {

        static final String DONE = "data: [DONE]\n\n";

        static String chunk(String choice) {
            return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[" + choice.strip()
                    + "],\"usage\":null}\n\n";
        }

        static String usage(int prompt, int completion) {
            return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[],\"usage\":{"
                    + "\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                    + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n";
        }

        /** A 200 event stream, each event written and flushed on its own as the API does. */
        static Reply ok(String... events) {
            var reply = Reply.status(200).header("Content-Type", "text/event-stream; charset=utf-8");
            for (var event : events) {
                reply.chunk(event);
            }
            return reply;
        }
    }

    /** Records listener calls as "text:…", "start:id:name", "args:id:…". */
    static final class RecordingListener implements ModelStreamListener {

        final List<String> events = new ArrayList<>();

        @Override
        public void textDelta(String text) {
            events.add("text:" + text);
        }

        @Override
        public void toolCallStarted(String id, String name) {
            events.add("start:" + id + ":" + name);
        }

        @Override
        public void toolCallArgumentsDelta(String id, String fragment) {
            events.add("args:" + id + ":" + fragment);
        }
    }
}
