package dev.rafiki.agent.model;

import static dev.rafiki.agent.model.AnthropicStreamingTest.HTTP;
import static dev.rafiki.agent.model.AnthropicStreamingTest.NEVER;
import static dev.rafiki.agent.model.AnthropicStreamingTest.TIMER;
import static dev.rafiki.agent.model.AnthropicStreamingTest.event;
import static dev.rafiki.agent.model.AnthropicStreamingTest.eventStream;
import static dev.rafiki.agent.model.AnthropicStreamingTest.json;
import static dev.rafiki.agent.model.AnthropicStreamingTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rafiki.tool.control.ToolSpec;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a provider-neutral conversation is written for the Messages API, read back from the recorded request. */
class AnthropicRequestTest {

    static final String END_TURN = event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":90,\"output_tokens\":1}}}")
            + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");

    FakeModelServer server = new FakeModelServer();
    AnthropicProvider provider = new AnthropicProvider(server.baseUrl(), "k", HTTP, TIMER);

    @AfterEach
    void stopServer() {
        server.close();
    }

    JsonObject sent(List<ChatMessage> conversation, List<ToolSpec> tools) throws ModelException {
        server.enqueue(eventStream().chunk(END_TURN));
        provider.complete(request("sys", conversation, tools), ModelStreamListener.NONE, NEVER);
        return json(server.onlyRequest().body());
    }

    static JsonArray jsonArray(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readArray();
        }
    }

    static List<String> roles(JsonObject body) {
        return body.getJsonArray("messages").stream()
                .map(message -> message.asJsonObject().getString("role")).toList();
    }

    @Test
    void toolResultsOfOneTurnGoIntoOneUserMessageSoRolesAlternate() throws Exception {
        var body = sent(List.of(
                ChatMessage.user("Weather in Paris, and what is in notes.txt?"),
                ChatMessage.assistant("Let me check.", List.of(
                        new ToolCall("toolu_1", "get_weather", "{\"location\":\"Paris\",\"unit\":\"celsius\"}"),
                        new ToolCall("toolu_2", "read_file", "{\"path\":\"notes.txt\"}"))),
                ChatMessage.toolResult("toolu_1", "18°C, sunny", false),
                ChatMessage.toolResult("toolu_2", "no such file: notes.txt", true)),
                List.of(new ToolSpec("get_weather", "Current weather at a place",
                        "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}"),
                        new ToolSpec("read_file", "Reads a workspace file", "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}")));

        assertEquals(List.of("user", "assistant", "user"), roles(body));
        var messages = body.getJsonArray("messages");
        assertEquals(json("""
                {"role":"assistant","content":[
                  {"type":"text","text":"Let me check."},
                  {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris","unit":"celsius"}},
                  {"type":"tool_use","id":"toolu_2","name":"read_file","input":{"path":"notes.txt"}}]}"""),
                messages.get(1));
        assertEquals(json("""
                {"role":"user","content":[
                  {"type":"tool_result","tool_use_id":"toolu_1","content":"18°C, sunny","is_error":false},
                  {"type":"tool_result","tool_use_id":"toolu_2","content":"no such file: notes.txt","is_error":true}]}"""),
                messages.get(2));
        assertEquals(jsonArray("""
                [{"name":"get_weather","description":"Current weather at a place",
                  "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},
                 {"name":"read_file","description":"Reads a workspace file",
                  "input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}]"""),
                body.getJsonArray("tools"));
    }

    @Test
    void assistantWithoutTextSendsOnlyToolUseAndALaterPromptJoinsTheToolResults() throws Exception {
        var body = sent(List.of(
                ChatMessage.user("list"),
                ChatMessage.assistant("", List.of(new ToolCall("toolu_1", "list_files", "{}"))),
                ChatMessage.toolResult("toolu_1", "a.txt", false),
                ChatMessage.user("and now read it"),
                ChatMessage.assistant("Reading.", List.of(new ToolCall("toolu_2", "read_file", ""))),
                ChatMessage.toolResult("toolu_2", "hello", false),
                ChatMessage.assistant("It says hello.", List.of()),
                ChatMessage.user("thanks")), List.of());

        assertEquals(List.of("user", "assistant", "user", "assistant", "user", "assistant", "user"), roles(body));
        var messages = body.getJsonArray("messages");
        assertEquals(json("{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"list_files\",\"input\":{}}]}"),
                messages.get(1));
        assertEquals(json("""
                {"role":"user","content":[
                  {"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt","is_error":false},
                  {"type":"text","text":"and now read it"}]}"""), messages.get(2));
        assertEquals(json("{}"), messages.getJsonObject(3).getJsonArray("content").getJsonObject(1).getJsonObject("input"),
                "blank arguments are sent as an empty object");
        assertEquals(json("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"It says hello.\"}]}"), messages.get(5));
        assertEquals("thanks", ((JsonString) messages.getJsonObject(6).get("content")).getString());
        assertEquals(false, body.containsKey("tools"));
    }
}
