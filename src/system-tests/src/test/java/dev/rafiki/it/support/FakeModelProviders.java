package dev.rafiki.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Stand-ins for the OpenAI Chat Completions and Anthropic Messages APIs that speak their real
 * wire protocol (HTTP, JSON, server-sent events with the providers' chunk and event formats).
 * Behaviour is scripted by the last message:
 * <ul>
 * <li>(OpenAI) a user message {@code script:{"tools": [{"name", "arguments", "id"?}, …], "answer"?}} →
 * those tool calls, one per model turn, then the answer (default "done: " + the last result); the
 * answer streams one UTF-16 unit per chunk, with every non-ASCII character as a JSON escape, so a
 * script can send what a model's JSON may carry (escapes of U+0000 and of a lone surrogate such as
 * U+D800, a surrogate pair split between two chunks);</li>
 * <li>a tool result → "done: " + the result;</li>
 * <li>a user message containing "please write" → a {@code write_file} tool call, streamed in fragments;</li>
 * <li>"fail 401" / "fail 429" / "fail 503" (OpenAI) → that HTTP error;</li>
 * <li>anything else → "{provider} says: " + the message, streamed in pieces.</li>
 * </ul>
 */
public final class FakeModelProviders implements AutoCloseable {

    public static final String OPENAI_KEY = "test-openai-key";
    public static final String ANTHROPIC_KEY = "test-anthropic-key";

    /** Every request body received, in order, for assertions. */
    public final List<JsonObject> openAiRequests = new CopyOnWriteArrayList<>();
    public final List<JsonObject> anthropicRequests = new CopyOnWriteArrayList<>();

    private final HttpServer server;

    public FakeModelProviders() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/openai/v1/chat/completions", this::openAi);
        server.createContext("/anthropic/v1/messages", this::anthropic);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String openAiBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/openai/v1";
    }

    public String anthropicBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/anthropic";
    }

    private void openAi(HttpExchange exchange) throws IOException {
        var request = read(exchange);
        openAiRequests.add(request);
        if (!("Bearer " + OPENAI_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            error(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        var messages = request.getJsonArray("messages");
        var last = messages.getJsonObject(messages.size() - 1);
        var content = last.isNull("content") ? "" : last.getString("content", "");
        if (content.contains("fail 429")) {
            exchange.getResponseHeaders().add("Retry-After", "120");
            error(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}");
            return;
        }
        if (content.contains("fail 401")) {
            error(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
            return;
        }
        if (content.contains("fail 503")) {
            error(exchange, 503, "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\"}}");
            return;
        }
        if (request.containsKey("response_format")) {
            try (var out = startStream(exchange)) {
                var id = "\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + request.getString("model") + "\"";
                for (var piece : pieces(structuredAnswer(messages))) {
                    send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(piece) + "},\"finish_reason\":null}]}\n\n");
                }
                send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
                send(out, "data: {" + id + ",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\n");
                send(out, "data: [DONE]\n\n");
            }
            return;
        }
        var script = script(messages);
        if (script != null) {
            scripted(exchange, request, messages, script);
            return;
        }
        try (var out = startStream(exchange)) {
            var id = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + request.getString("model") + "\"";
            send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
            String finish;
            if ("tool".equals(last.getString("role"))) {
                for (var piece : pieces("done: " + content)) {
                    send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(piece) + "},\"finish_reason\":null}]}\n\n");
                }
                finish = "stop";
            } else if (content.contains("please write")) {
                send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"write_file\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n");
                for (var piece : List.of("{\\\"path\\\": \\\"from-openai.txt\\\", ", "\\\"content\\\": \\\"written by openai\\\"}")) {
                    send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + piece + "\"}}]},\"finish_reason\":null}]}\n\n");
                }
                finish = "tool_calls";
            } else {
                for (var piece : pieces("openai says: " + content)) {
                    send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(piece) + "},\"finish_reason\":null}]}\n\n");
                }
                finish = "stop";
            }
            send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finish + "\"}]}\n\n");
            send(out, "data: {" + id + ",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}\n\n");
            send(out, "data: [DONE]\n\n");
        }
    }

    /** The script of the conversation's last user message, or null. */
    private static JsonObject script(jakarta.json.JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            var message = messages.getJsonObject(i);
            if ("user".equals(message.getString("role"))) {
                var content = message.isNull("content") ? "" : message.getString("content", "");
                if (!content.startsWith("script:")) {
                    return null;
                }
                try (var reader = Json.createReader(new StringReader(content.substring("script:".length())))) {
                    return reader.readObject();
                }
            }
        }
        return null;
    }

    private void scripted(HttpExchange exchange, JsonObject request, jakarta.json.JsonArray messages, JsonObject script)
            throws IOException {
        int turn = 0;
        for (int i = messages.size() - 1; i >= 0 && !"user".equals(messages.getJsonObject(i).getString("role")); i--) {
            var message = messages.getJsonObject(i);
            if ("assistant".equals(message.getString("role")) && message.containsKey("tool_calls")
                    && !message.isNull("tool_calls") && !message.getJsonArray("tool_calls").isEmpty()) {
                turn++;
            }
        }
        var tools = script.containsKey("tools") ? script.getJsonArray("tools") : Json.createArrayBuilder().build();
        try (var out = startStream(exchange)) {
            var id = "\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + request.getString("model") + "\"";
            send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
            String finish;
            if (turn < tools.size()) {
                var call = tools.getJsonObject(turn);
                var callId = call.getString("id", "call_script_" + turn);
                send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":" + ascii(callId)
                        + ",\"type\":\"function\",\"function\":{\"name\":" + ascii(call.getString("name")) + ",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n");
                send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + ascii(call.getJsonObject("arguments").toString()) + "}}]},\"finish_reason\":null}]}\n\n");
                finish = "tool_calls";
            } else {
                var last = messages.getJsonObject(messages.size() - 1);
                var answer = script.containsKey("answer") ? script.getString("answer") : "done: " + last.getString("content", "");
                for (int i = 0; i < answer.length(); i++) {
                    send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + ascii(answer.substring(i, i + 1))
                            + "},\"finish_reason\":null}]}\n\n");
                }
                finish = "stop";
            }
            send(out, "data: {" + id + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finish + "\"}]}\n\n");
            send(out, "data: {" + id + ",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}\n\n");
            send(out, "data: [DONE]\n\n");
        }
    }

    /** A JSON string with every character outside printable ASCII escaped, lone surrogates included, as Python's json does. */
    private static String ascii(String text) {
        var json = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private void anthropic(HttpExchange exchange) throws IOException {
        var request = read(exchange);
        anthropicRequests.add(request);
        if (!ANTHROPIC_KEY.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
            error(exchange, 401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
            return;
        }
        var messages = request.getJsonArray("messages");
        var last = messages.getJsonObject(messages.size() - 1);
        String text = null;
        String toolResult = null;
        if (last.get("content").getValueType() == JsonValue.ValueType.STRING) {
            text = last.getString("content");
        } else {
            for (var block : last.getJsonArray("content")) {
                var b = block.asJsonObject();
                if ("tool_result".equals(b.getString("type"))) {
                    toolResult = b.get("content").getValueType() == JsonValue.ValueType.STRING ? b.getString("content")
                            : b.getJsonArray("content").getJsonObject(0).getString("text");
                } else if ("text".equals(b.getString("type"))) {
                    text = b.getString("text");
                }
            }
        }
        if (text != null && text.contains("fail 401")) {
            error(exchange, 401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
            return;
        }
        if (request.containsKey("tool_choice") && "tool".equals(request.getJsonObject("tool_choice").getString("type"))) {
            var tool = request.getJsonObject("tool_choice").getString("name");
            try (var out = startStream(exchange)) {
                send(out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                        + request.getString("model") + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":6,\"output_tokens\":1}}}\n\n");
                send(out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_out\",\"name\":" + quote(tool) + ",\"input\":{}}}\n\n");
                for (var piece : pieces(structuredAnswer(messages))) {
                    send(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + quote(piece) + "}}\n\n");
                }
                send(out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
                send(out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":4}}\n\n");
                send(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            }
            return;
        }
        try (var out = startStream(exchange)) {
            send(out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                    + request.getString("model") + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":13,\"output_tokens\":1}}}\n\n");
            send(out, "event: ping\ndata: {\"type\":\"ping\"}\n\n");
            String stop;
            if (toolResult == null && text != null && text.contains("please write")) {
                send(out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"write_file\",\"input\":{}}}\n\n");
                for (var piece : List.of("{\\\"path\\\": \\\"from-anthropic.txt\\\",", " \\\"content\\\": \\\"written by claude\\\"}")) {
                    send(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"" + piece + "\"}}\n\n");
                }
                send(out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
                stop = "tool_use";
            } else {
                var answer = toolResult != null ? "done: " + toolResult : "anthropic says: " + text;
                send(out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
                for (var piece : pieces(answer)) {
                    send(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(piece) + "}}\n\n");
                }
                send(out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
                stop = "end_turn";
            }
            send(out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stop + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\n");
            send(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        }
    }

    /**
     * A structured answer (the request asked for JSON): the prompt {@code outputs: [a, b, …]} is
     * answered with {@code a}, then, after each follow-up that gives validation errors, the next one.
     */
    private static String structuredAnswer(jakarta.json.JsonArray messages) {
        int corrections = 0;
        for (int i = messages.size() - 1; i >= 0; i--) {
            var message = messages.getJsonObject(i);
            if (!"user".equals(message.getString("role"))) {
                continue;
            }
            var text = userText(message);
            if (text.startsWith("Your answer does not match")) {
                corrections++;
            } else if (text.startsWith("outputs:")) {
                try (var reader = Json.createReader(new StringReader(text.substring("outputs:".length())))) {
                    var outputs = reader.readArray();
                    return outputs.get(Math.min(corrections, outputs.size() - 1)).toString();
                }
            } else {
                return "not json: " + text;
            }
        }
        return "not json";
    }

    private static String userText(JsonObject message) {
        var content = message.get("content");
        if (content.getValueType() == JsonValue.ValueType.STRING) {
            return message.getString("content");
        }
        var text = new StringBuilder();
        for (var block : content.asJsonArray()) {
            if ("text".equals(block.asJsonObject().getString("type"))) {
                text.append(block.asJsonObject().getString("text"));
            }
        }
        return text.toString();
    }

    private static JsonObject read(HttpExchange exchange) throws IOException {
        var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static OutputStream startStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void error(HttpExchange exchange, int status, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Splits text into a few stream pieces, as a model would. */
    private static List<String> pieces(String text) {
        int third = Math.max(1, text.length() / 3);
        return List.of(text.substring(0, Math.min(third, text.length())),
                text.substring(Math.min(third, text.length()), Math.min(2 * third, text.length())),
                text.substring(Math.min(2 * third, text.length())));
    }

    private static String quote(String text) {
        return Json.createValue(text).toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
