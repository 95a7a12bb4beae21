package dev.rafiki.agent.model;

import dev.rafiki.tool.control.ToolSpec;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}) with streaming and tool use. One call is one
 * HTTP request: no retries here, the caller decides about those from {@link ModelException#retryable()}.
 * Waiting for the response headers is bounded by the connect timeout, the stream by the idle timeout,
 * and cancellation is polled every 50 ms in both phases.
 */
public final class AnthropicProvider implements ModelProvider {

    private static final Logger LOG = Logger.getLogger(AnthropicProvider.class.getName());

    static final String API_VERSION = "2023-06-01";
    private static final int MAX_MESSAGE_CHARS = 500;

    private final URI endpoint;
    private final String apiKey;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final JsonProvider json = JsonProvider.provider();

    public AnthropicProvider(URI baseUrl, String apiKey, HttpClient http, ScheduledExecutorService timer) {
        var base = baseUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.endpoint = URI.create(base + "/v1/messages");
        // without a key the service answers 401 (model-unauthorized), as the OpenAI provider's does: a
        // missing key is the operator's to fix, never a server error for the client that named the model
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.http = Objects.requireNonNull(http, "http");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    @Override
    public ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
            throws ModelException {
        if (cancelled.getAsBoolean()) {
            throw ModelHttp.cancelledException();
        }
        var builder = HttpRequest.newBuilder(endpoint);
        if (apiKey != null) {
            builder.header("x-api-key", apiKey);
        }
        var httpRequest = builder
                .timeout(request.connectTimeout())
                .header("anthropic-version", API_VERSION)
                .header("content-type", "application/json")
                .header("accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(requestBody(request).toString(), StandardCharsets.UTF_8))
                .build();
        var response = send(httpRequest, request.connectTimeout(), cancelled);
        if (response.statusCode() / 100 != 2) {
            throw httpError(response, request.idleTimeout(), cancelled);
        }
        SseStream stream;
        try {
            stream = new SseStream(response.body(), request.idleTimeout(), cancelled, timer);
        } catch (RuntimeException e) {
            // e.g. a timer already shut down: still give the connection back
            ModelHttp.closeQuietly(response.body());
            throw e;
        }
        try (stream) {
            return new TurnReader(listener, request.outputSchema() != null).read(stream, cancelled);
        }
    }

    // --- request -------------------------------------------------------------------------------

    JsonObject requestBody(ModelRequest request) throws ModelException {
        var body = json.createObjectBuilder()
                .add("model", request.model())
                .add("max_tokens", request.maxTokens());
        if (request.system() != null) {
            body.add("system", request.system());
        }
        if (request.temperature() != null) {
            body.add("temperature", java.math.BigDecimal.valueOf(request.temperature()));
        }
        body.add("messages", messages(request.messages()));
        if (request.outputSchema() != null) {
            // the API has no JSON Schema output: a forced tool whose input is the answer is its way to one
            body.add("tools", json.createArrayBuilder().add(json.createObjectBuilder()
                    .add("name", ModelRequest.OUTPUT_NAME)
                    .add("description", "Give the answer: its input is the whole answer, following the schema.")
                    .add("input_schema", request.outputSchema())));
            body.add("tool_choice", json.createObjectBuilder().add("type", "tool").add("name", ModelRequest.OUTPUT_NAME));
        } else if (request.tools() != null && !request.tools().isEmpty()) {
            var tools = json.createArrayBuilder();
            for (var tool : request.tools()) {
                var spec = json.createObjectBuilder().add("name", tool.name());
                if (tool.description() != null) {
                    spec.add("description", tool.description());
                }
                tools.add(spec.add("input_schema", schema(tool)));
            }
            body.add("tools", tools);
        }
        return body.add("stream", true).build();
    }

    /**
     * The API wants user and assistant messages to alternate, and tool results travel inside a user
     * message; so every run of USER and TOOL messages between two assistant messages becomes one user
     * message. A lone user prompt keeps the plain string form.
     */
    private JsonArrayBuilder messages(List<ChatMessage> conversation) {
        var out = json.createArrayBuilder();
        var userRun = new ArrayList<ChatMessage>();
        for (var message : conversation) {
            if (message.role() == ChatMessage.Role.ASSISTANT) {
                var content = assistantContent(message);
                if (content.isEmpty()) {
                    // an assistant message without content is rejected by the API and says nothing
                    LOG.fine("leaving out an empty assistant message");
                    continue;
                }
                flushUserRun(userRun, out);
                out.add(json.createObjectBuilder().add("role", "assistant").add("content", content));
            } else {
                userRun.add(message);
            }
        }
        flushUserRun(userRun, out);
        return out;
    }

    private void flushUserRun(List<ChatMessage> run, JsonArrayBuilder out) {
        if (run.isEmpty()) {
            return;
        }
        var message = json.createObjectBuilder().add("role", "user");
        if (run.size() == 1 && run.get(0).role() == ChatMessage.Role.USER) {
            message.add("content", nullToEmpty(run.get(0).content()));
        } else {
            var blocks = json.createArrayBuilder();
            for (var part : run) {
                if (part.role() == ChatMessage.Role.TOOL) {
                    blocks.add(json.createObjectBuilder()
                            .add("type", "tool_result")
                            .add("tool_use_id", part.toolCallId())
                            .add("content", nullToEmpty(part.content()))
                            .add("is_error", part.isError()));
                } else if (part.content() != null && !part.content().isBlank()) {
                    // blank text blocks are rejected by the API
                    blocks.add(textBlock(part.content()));
                }
            }
            message.add("content", blocks);
        }
        out.add(message);
        run.clear();
    }

    private JsonArray assistantContent(ChatMessage message) {
        var blocks = json.createArrayBuilder();
        if (message.content() != null && !message.content().isBlank()) {
            blocks.add(textBlock(message.content()));
        }
        if (message.toolCalls() != null) {
            for (var call : message.toolCalls()) {
                blocks.add(json.createObjectBuilder()
                        .add("type", "tool_use")
                        .add("id", call.id())
                        .add("name", call.name())
                        .add("input", toolInput(call)));
            }
        }
        return blocks.build();
    }

    private JsonObject textBlock(String text) {
        return json.createObjectBuilder().add("type", "text").add("text", text).build();
    }

    /**
     * The API insists on an object. Arguments the model itself broke (e.g. cut off at max_tokens) are
     * sent as an empty object rather than failing the request: otherwise that one bad turn would make
     * every later call of the conversation fail.
     */
    private JsonObject toolInput(ToolCall call) {
        var arguments = call.arguments();
        if (arguments == null || arguments.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try {
            return parseObject(arguments);
        } catch (JsonException e) {
            LOG.log(Level.WARNING, "arguments of tool call {0} are not a JSON object; sending an empty object",
                    call.id());
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }

    private JsonObject schema(ToolSpec tool) throws ModelException {
        if (tool.parametersSchema() == null || tool.parametersSchema().isBlank()) {
            return json.createObjectBuilder().add("type", "object").build();
        }
        try {
            return parseObject(tool.parametersSchema());
        } catch (JsonException e) {
            throw new ModelException("model-bad-request", "the schema of tool " + tool.name() + " is not a JSON object",
                    false, null);
        }
    }

    // --- sending -------------------------------------------------------------------------------

    private HttpResponse<InputStream> send(HttpRequest request, Duration connectTimeout, BooleanSupplier cancelled)
            throws ModelException {
        return ModelHttp.awaitHeaders(http, request, connectTimeout, cancelled,
                cause -> sendFailure(cause, connectTimeout), () -> timeoutException(connectTimeout));
    }

    private ModelException sendFailure(Throwable cause, Duration connectTimeout) {
        LOG.log(Level.FINE, "the Anthropic request failed", cause);
        if (cause instanceof HttpTimeoutException) {
            return timeoutException(connectTimeout);
        }
        return new ModelException("model-unavailable", "cannot reach the Anthropic API at " + endpoint + ": " + cause,
                true, null);
    }

    private ModelException httpError(HttpResponse<InputStream> response, Duration idleTimeout, BooleanSupplier cancelled)
            throws ModelException {
        int status = response.statusCode();
        var detail = errorMessage(ModelHttp.readErrorBody(response.body(), idleTimeout, cancelled, timer));
        var message = "the Anthropic API answered " + status + (detail.isEmpty() ? "" : ": " + detail);
        LOG.fine(message);
        return ModelHttp.statusError(status, message, response.headers());
    }

    /** @return Anthropic's {@code error.message}, else the raw body; at most 500 characters */
    private String errorMessage(String body) {
        String message = body.strip();
        try {
            var error = parseObject(body).get("error");
            if (error instanceof JsonObject object && object.get("message") instanceof JsonString text) {
                message = text.getString();
            }
        } catch (JsonException notJson) {
            // a proxy's HTML page or plain text: the raw body is the best detail there is
        }
        return truncate(message);
    }

    // --- stream --------------------------------------------------------------------------------

    /** The state of one streamed turn: content blocks by their index, in the order they started. */
    private final class TurnReader {

        private final ModelStreamListener listener;
        private final StringBuilder text = new StringBuilder();
        private final Map<Integer, ToolBlock> toolBlocks = new LinkedHashMap<>();
        private final Map<Integer, String> blockTypes = new HashMap<>();
        private String stopReason;
        private long inputTokens;
        private long outputTokens;

        /** The forced output tool's input is the answer: streamed and returned as text, not as a tool call. */
        private final boolean outputTool;
        private int outputBlock = -1;

        TurnReader(ModelStreamListener listener, boolean outputTool) {
            this.listener = listener;
            this.outputTool = outputTool;
        }

        ModelTurn read(SseStream stream, BooleanSupplier cancelled) throws ModelException {
            while (true) {
                var event = stream.next();
                if (cancelled.getAsBoolean()) {
                    throw ModelHttp.cancelledException();
                }
                if (event == null) {
                    throw malformed("the event stream ended before message_stop");
                }
                var data = parseData(event);
                var type = "message".equals(event.event()) ? string(data, "type") : event.event();
                if (type == null) {
                    continue;
                }
                switch (type) {
                    case "message_start" -> usage(object(object(data, "message"), "usage"));
                    case "content_block_start" -> blockStart(data);
                    case "content_block_delta" -> blockDelta(data);
                    case "message_delta" -> messageDelta(data);
                    case "message_stop" -> {
                        return turn();
                    }
                    case "error" -> throw streamError(object(data, "error"));
                    default -> {
                        // ping, content_block_stop and event types added later carry nothing we need
                    }
                }
            }
        }

        private void usage(JsonObject usage) {
            if (usage == null) {
                return;
            }
            // Anthropic reports cumulative counts, so the latest value replaces the earlier one
            if (usage.get("input_tokens") instanceof JsonNumber input) {
                inputTokens = input.longValue();
            }
            if (usage.get("output_tokens") instanceof JsonNumber output) {
                outputTokens = output.longValue();
            }
        }

        private void blockStart(JsonObject data) throws ModelException {
            int index = index(data);
            var block = object(data, "content_block");
            var type = block == null ? null : string(block, "type");
            if (type == null) {
                throw malformed("content_block_start without a content block type");
            }
            blockTypes.put(index, type);
            if ("tool_use".equals(type)) {
                var id = string(block, "id");
                var name = string(block, "name");
                if (id == null || name == null) {
                    throw malformed("a tool_use block without id or name");
                }
                var input = object(block, "input");
                if (outputTool && ModelRequest.OUTPUT_NAME.equals(name) && outputBlock < 0) {
                    outputBlock = index;
                    if (input != null && !input.isEmpty()) {
                        text.append(input);
                        listener.textDelta(input.toString());
                    }
                    return;
                }
                toolBlocks.put(index, new ToolBlock(id, name, input == null || input.isEmpty() ? null : input.toString()));
                listener.toolCallStarted(id, name);
            }
        }

        private void blockDelta(JsonObject data) throws ModelException {
            int index = index(data);
            var delta = object(data, "delta");
            var type = delta == null ? null : string(delta, "type");
            if ("text_delta".equals(type)) {
                var fragment = string(delta, "text");
                if (fragment != null && !fragment.isEmpty()) {
                    text.append(fragment);
                    listener.textDelta(fragment);
                }
            } else if ("input_json_delta".equals(type) && index == outputBlock) {
                var fragment = string(delta, "partial_json");
                if (fragment != null && !fragment.isEmpty()) {
                    text.append(fragment);
                    listener.textDelta(fragment);
                }
            } else if ("input_json_delta".equals(type)) {
                var block = toolBlocks.get(index);
                if (block == null) {
                    throw malformed("input_json_delta for block " + index + ", which is not a tool_use block");
                }
                var fragment = string(delta, "partial_json");
                if (fragment != null && !fragment.isEmpty()) {
                    block.arguments.append(fragment);
                    listener.toolCallArgumentsDelta(block.id, fragment);
                }
            }
            // thinking, signature and citation deltas are not part of the neutral turn
        }

        private void messageDelta(JsonObject data) {
            var delta = object(data, "delta");
            var reason = delta == null ? null : string(delta, "stop_reason");
            if (reason != null) {
                stopReason = normalise(reason);
            }
            usage(object(data, "usage"));
        }

        private ModelTurn turn() {
            var calls = new ArrayList<ToolCall>(toolBlocks.size());
            toolBlocks.values().forEach(block -> calls.add(block.toToolCall()));
            // message_stop without a stop reason still is a complete turn; say how it ended as best we can
            var reason = outputBlock >= 0 && calls.isEmpty() ? "end"
                    : stopReason != null ? stopReason : calls.isEmpty() ? "end" : "tool_calls";
            return new ModelTurn(text.toString(), List.copyOf(calls), reason, inputTokens, outputTokens);
        }

        private int index(JsonObject data) throws ModelException {
            if (data.get("index") instanceof JsonNumber number) {
                return number.intValue();
            }
            throw malformed("a content block event without an index");
        }
    }

    private static final class ToolBlock {
        final String id;
        final String name;
        final String startInput;
        final StringBuilder arguments = new StringBuilder();

        ToolBlock(String id, String name, String startInput) {
            this.id = id;
            this.name = name;
            this.startInput = startInput;
        }

        ToolCall toToolCall() {
            if (arguments.length() > 0) {
                return new ToolCall(id, name, arguments.toString());
            }
            return new ToolCall(id, name, startInput != null ? startInput : "{}");
        }
    }

    static String normalise(String stopReason) {
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> "end";
            case "tool_use" -> "tool_calls";
            case "max_tokens" -> "max_tokens";
            default -> stopReason;
        };
    }

    private static ModelException streamError(JsonObject error) {
        var type = error == null ? null : string(error, "type");
        var detail = error == null ? null : string(error, "message");
        var message = "the Anthropic stream reported " + (type == null ? "an error" : type)
                + (detail == null ? "" : ": " + truncate(detail));
        if (type == null) {
            return new ModelException("model-unavailable", message, true, null);
        }
        return switch (type) {
            case "rate_limit_error" -> new ModelException("model-rate-limited", message, true, null);
            case "authentication_error", "permission_error" -> new ModelException("model-unauthorized", message, false, null);
            case "invalid_request_error", "not_found_error", "request_too_large" ->
                    new ModelException("model-bad-request", message, false, null);
            // overloaded_error, api_error and whatever else the server may report are its trouble
            default -> new ModelException("model-unavailable", message, true, null);
        };
    }

    // --- JSON helpers ----------------------------------------------------------------------------

    private JsonObject parseObject(String text) {
        try (var reader = json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private JsonObject parseData(SseStream.Event event) throws ModelException {
        try {
            return parseObject(event.data());
        } catch (JsonException e) {
            throw malformed("the data of a " + event.event() + " event is not a JSON object: "
                    + truncate(event.data()));
        }
    }

    private static JsonObject object(JsonObject parent, String name) {
        return parent != null && parent.get(name) instanceof JsonObject child ? child : null;
    }

    private static String string(JsonObject parent, String name) {
        return parent != null && parent.get(name) instanceof JsonString value ? value.getString() : null;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    private static ModelException malformed(String message) {
        return new ModelException("model-malformed-response", message, true, null);
    }

    private static ModelException timeoutException(Duration connectTimeout) {
        return new ModelException("model-timeout", "no response from the Anthropic API within "
                + connectTimeout.toMillis() + " ms", true, null);
    }
}
