package dev.rafiki.agent.model;

import dev.rafiki.tool.control.ToolSpec;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link ModelProvider} for the OpenAI-compatible Chat Completions API ({@code POST {base}/chat/completions}
 * with {@code stream: true}), as served by OpenAI, vLLM, Ollama and the llama.cpp server.
 * <p>
 * Waiting for the response headers is bounded by the request's connect timeout, the stream by its idle timeout
 * (through {@link SseStream}); {@code cancelled} is polled during both. It does not retry: a wrapper decides that
 * from {@link ModelException#retryable()}.
 */
public final class OpenAiChatProvider implements ModelProvider {

    private static final Logger LOG = Logger.getLogger(OpenAiChatProvider.class.getName());

    /** A provider's error text is shown to clients; a whole HTML error page is not useful there. */
    private static final int MAX_ERROR_MESSAGE = 500;

    private final URI endpoint;
    private final String apiKey;
    private final HttpClient http;
    private final ScheduledExecutorService timer;

    /**
     * @param baseUrl the API root, e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
     * @param apiKey  sent as a bearer token; null (or blank) for local servers that need none
     * @param timer   runs the watchdogs that bound every blocking read
     */
    public OpenAiChatProvider(URI baseUrl, String apiKey, HttpClient http, ScheduledExecutorService timer) {
        var base = baseUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.endpoint = URI.create(base + "/chat/completions");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.http = http;
        this.timer = timer;
    }

    @Override
    public ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
            throws ModelException {
        if (cancelled.getAsBoolean()) {
            throw ModelHttp.cancelledException();
        }
        var httpRequest = httpRequest(requestBody(request), request.connectTimeout());
        var response = awaitHeaders(httpRequest, request.connectTimeout(), cancelled);
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw httpError(status, response, request.idleTimeout(), cancelled);
        }
        try (var stream = new SseStream(response.body(), request.idleTimeout(), cancelled, timer)) {
            return new TurnAssembler(listener).read(stream);
        } catch (ModelException e) {
            // where an interrupt breaks the read (not JDK 17, whose body read ignores it) it surfaces as a broken
            // stream; the interrupt is what actually happened
            if (Thread.currentThread().isInterrupted() && !"model-cancelled".equals(e.code())) {
                throw ModelHttp.cancelledException();
            }
            throw e;
        }
    }

    // ---- request -------------------------------------------------------------------------------------------------

    private HttpRequest httpRequest(String body, Duration connectTimeout) throws ModelException {
        try {
            var builder = HttpRequest.newBuilder(endpoint)
                    // with a streaming body handler the timeout covers only the wait for the headers
                    .timeout(connectTimeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (apiKey != null) {
                builder.header("Authorization", "Bearer " + apiKey);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            // a base URL that is not http(s), or a key with characters a header cannot carry: configuration, not luck
            throw new ModelException("model-bad-request", "cannot call " + endpoint + ": " + e.getMessage(), false, null);
        }
    }

    static String requestBody(ModelRequest request) throws ModelException {
        var messages = Json.createArrayBuilder();
        if (request.system() != null) {
            messages.add(Json.createObjectBuilder().add("role", "system").add("content", request.system()));
        }
        for (var message : request.messages()) {
            messages.add(message(message));
        }
        var body = Json.createObjectBuilder()
                .add("model", request.model())
                .add("messages", messages);
        if (request.tools() != null && !request.tools().isEmpty()) {
            var tools = Json.createArrayBuilder();
            for (var tool : request.tools()) {
                tools.add(Json.createObjectBuilder()
                        .add("type", "function")
                        .add("function", Json.createObjectBuilder()
                                .add("name", tool.name())
                                .add("description", tool.description() == null ? "" : tool.description())
                                .add("parameters", schema(tool))));
            }
            body.add("tools", tools);
        }
        if (request.temperature() != null) {
            body.add("temperature", java.math.BigDecimal.valueOf(request.temperature()));
        }
        if (request.outputSchema() != null) {
            // not strict: strict mode refuses most schemas a client may give (optional properties, open
            // objects); Rafiki validates the answer itself and asks again when it does not match
            body.add("response_format", Json.createObjectBuilder().add("type", "json_schema")
                    .add("json_schema", Json.createObjectBuilder().add("name", ModelRequest.OUTPUT_NAME)
                            .add("schema", request.outputSchema()).add("strict", false)));
        }
        return body.add("max_tokens", request.maxTokens())
                .add("stream", true)
                // without it the stream carries no token counts at all
                .add("stream_options", Json.createObjectBuilder().add("include_usage", true))
                .build()
                .toString();
    }

    private static JsonObjectBuilder message(ChatMessage message) {
        var json = Json.createObjectBuilder();
        switch (message.role()) {
            case USER -> json.add("role", "user").add("content", nullToEmpty(message.content()));
            case ASSISTANT -> {
                json.add("role", "assistant");
                var calls = message.toolCalls() == null ? List.<ToolCall>of() : message.toolCalls();
                if (calls.isEmpty()) {
                    json.add("content", nullToEmpty(message.content()));
                } else {
                    // the API's own form of a tool-calling turn without text; OpenAI rejects an empty tool_calls array
                    if (message.content() == null || message.content().isEmpty()) {
                        json.addNull("content");
                    } else {
                        json.add("content", message.content());
                    }
                    JsonArrayBuilder toolCalls = Json.createArrayBuilder();
                    for (var call : calls) {
                        toolCalls.add(Json.createObjectBuilder()
                                .add("id", call.id())
                                .add("type", "function")
                                .add("function", Json.createObjectBuilder()
                                        .add("name", call.name())
                                        .add("arguments", call.arguments() == null ? "{}" : call.arguments())));
                    }
                    json.add("tool_calls", toolCalls);
                }
            }
            case TOOL -> json.add("role", "tool")
                    .add("tool_call_id", message.toolCallId())
                    // the API has no error flag on tool results; without the prefix the model could take a failure for data
                    .add("content", (message.isError() ? "Error: " : "") + nullToEmpty(message.content()));
        }
        return json;
    }

    private static JsonValue schema(ToolSpec tool) throws ModelException {
        var schema = tool.parametersSchema();
        if (schema == null || schema.isBlank()) {
            return Json.createObjectBuilder().add("type", "object")
                    .add("properties", JsonValue.EMPTY_JSON_OBJECT).build();
        }
        JsonValue parsed;
        try (var reader = Json.createReader(new StringReader(schema))) {
            parsed = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new ModelException("model-bad-request", "the parameters schema of tool " + tool.name()
                    + " is not valid JSON: " + e.getMessage(), false, null);
        }
        if (parsed.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ModelException("model-bad-request", "the parameters schema of tool " + tool.name()
                    + " is not a JSON object", false, null);
        }
        return parsed;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    // ---- waiting for the response --------------------------------------------------------------------------------

    private HttpResponse<InputStream> awaitHeaders(HttpRequest request, Duration connectTimeout, BooleanSupplier cancelled)
            throws ModelException {
        try {
            return ModelHttp.awaitHeaders(http, request, connectTimeout, cancelled,
                    cause -> sendFailure(cause, connectTimeout), () -> timeout(connectTimeout));
        } catch (IllegalArgumentException e) {
            throw new ModelException("model-bad-request", "cannot call " + endpoint + ": " + e.getMessage(), false, null);
        }
    }

    private ModelException sendFailure(Throwable cause, Duration connectTimeout) {
        if (cause instanceof HttpTimeoutException) {
            return timeout(connectTimeout);
        }
        LOG.log(Level.FINE, "model call to " + endpoint + " failed", cause);
        return new ModelException("model-unavailable", "cannot reach the model at " + endpoint + ": " + describe(cause),
                true, null);
    }

    private ModelException timeout(Duration connectTimeout) {
        return new ModelException("model-timeout", "the model at " + endpoint + " did not answer within "
                + connectTimeout.toMillis() + " ms", true, null);
    }

    private static String describe(Throwable t) {
        var message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    // ---- HTTP errors ---------------------------------------------------------------------------------------------

    private ModelException httpError(int status, HttpResponse<InputStream> response, Duration idleTimeout,
                                     BooleanSupplier cancelled) throws ModelException {
        var body = ModelHttp.readErrorBody(response.body(), idleTimeout, cancelled, timer);
        var detail = errorMessage(body);
        var message = "the model API answered " + status + (detail.isEmpty() ? "" : ": " + detail);
        LOG.fine(() -> endpoint + ": " + message);
        return ModelHttp.statusError(status, message, response.headers());
    }

    /** The provider's own words: {@code error.message} (OpenAI), {@code error} as text (Ollama), {@code message} (vLLM). */
    static String errorMessage(String body) {
        var text = body.strip();
        var json = parseObject(text);
        if (json.isPresent()) {
            var object = json.get();
            var error = object.get("error");
            if (error instanceof JsonObject e && e.get("message") instanceof JsonString m) {
                text = m.getString();
            } else if (error instanceof JsonString s) {
                text = s.getString();
            } else if (object.get("message") instanceof JsonString m) {
                text = m.getString();
            }
        }
        return text.length() > MAX_ERROR_MESSAGE ? text.substring(0, MAX_ERROR_MESSAGE) + "…" : text;
    }

    private static Optional<JsonObject> parseObject(String text) {
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        try (var reader = Json.createReader(new StringReader(text))) {
            return Optional.of(reader.readObject());
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    // ---- the stream ----------------------------------------------------------------------------------------------

    /** Folds the chunks of one streamed completion into a {@link ModelTurn}, telling the listener as it goes. */
    private static final class TurnAssembler {

        private final ModelStreamListener listener;
        private final StringBuilder text = new StringBuilder();
        private final Map<Integer, PendingCall> calls = new LinkedHashMap<>();
        private int lastIndex = -1;
        private String finishReason;
        private long inputTokens;
        private long outputTokens;

        TurnAssembler(ModelStreamListener listener) {
            this.listener = listener;
        }

        ModelTurn read(SseStream stream) throws ModelException {
            SseStream.Event event;
            while ((event = stream.next()) != null) {
                var data = event.data().strip();
                if ("[DONE]".equals(data)) {
                    return turn();
                }
                if ("error".equals(event.event())) {
                    throw streamError(errorMessage(data));
                }
                if (data.isEmpty()) {
                    continue; // an event without data carries nothing
                }
                chunk(parse(data));
            }
            throw malformed("the event stream ended without [DONE]");
        }

        private static JsonObject parse(String data) throws ModelException {
            JsonStructure json;
            try (var reader = Json.createReader(new StringReader(data))) {
                json = reader.read();
            } catch (JsonException | IllegalStateException e) {
                throw malformed("a chunk of the stream is not valid JSON: " + abbreviate(data));
            }
            if (json instanceof JsonObject object) {
                return object;
            }
            throw malformed("a chunk of the stream is not a JSON object: " + abbreviate(data));
        }

        private void chunk(JsonObject chunk) throws ModelException {
            if (chunk.get("error") != null && chunk.get("error") != JsonValue.NULL) {
                throw streamError(errorMessage(chunk.toString()));
            }
            if (chunk.get("usage") instanceof JsonObject usage) {
                // servers that report usage on every chunk send running totals, so the last one counts
                inputTokens = number(usage, "prompt_tokens");
                outputTokens = number(usage, "completion_tokens");
            }
            if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()
                    || !(choices.get(0) instanceof JsonObject choice)) {
                return;
            }
            if (choice.get("delta") instanceof JsonObject delta) {
                if (delta.get("content") instanceof JsonString content && !content.getString().isEmpty()) {
                    text.append(content.getString());
                    listener.textDelta(content.getString());
                }
                if (delta.get("tool_calls") instanceof JsonArray toolCalls) {
                    for (var fragment : toolCalls) {
                        if (fragment instanceof JsonObject f) {
                            toolCallFragment(f);
                        }
                    }
                }
            }
            if (choice.get("finish_reason") instanceof JsonString reason) {
                finishReason = reason.getString();
            }
        }

        private void toolCallFragment(JsonObject fragment) {
            int index;
            if (fragment.get("index") instanceof JsonNumber n) {
                index = n.intValue();
            } else {
                // servers that omit the index send each call whole, or continue the last one without an id
                index = fragment.get("id") instanceof JsonString || lastIndex < 0 ? calls.size() : lastIndex;
            }
            lastIndex = index;
            var call = calls.computeIfAbsent(index, i -> new PendingCall());
            if (call.id == null && fragment.get("id") instanceof JsonString id && !id.getString().isEmpty()) {
                call.id = id.getString();
            }
            String arguments = null;
            if (fragment.get("function") instanceof JsonObject function) {
                if (call.name == null && function.get("name") instanceof JsonString name && !name.getString().isEmpty()) {
                    call.name = name.getString();
                }
                if (function.get("arguments") instanceof JsonString args) {
                    arguments = args.getString();
                }
            }
            if (!call.started && call.name != null) {
                if (call.id == null) {
                    // some local servers send no id; the tool result must still name its call
                    call.id = "call_" + UUID.randomUUID().toString().replace("-", "");
                }
                call.started = true;
                listener.toolCallStarted(call.id, call.name);
                if (call.arguments.length() > 0) {
                    listener.toolCallArgumentsDelta(call.id, call.arguments.toString());
                }
            }
            if (arguments != null && !arguments.isEmpty()) {
                call.arguments.append(arguments);
                if (call.started) {
                    listener.toolCallArgumentsDelta(call.id, arguments);
                }
            }
        }

        private ModelTurn turn() throws ModelException {
            var toolCalls = new ArrayList<ToolCall>();
            for (var call : calls.values()) {
                if (!call.started) {
                    throw malformed("a tool call of the stream has no function name");
                }
                // an argument-less call streams no arguments at all; "" is not a JSON object
                var arguments = call.arguments.length() == 0 ? "{}" : call.arguments.toString();
                toolCalls.add(new ToolCall(call.id, call.name, arguments));
            }
            return new ModelTurn(text.toString(), List.copyOf(toolCalls), stopReason(toolCalls.isEmpty()),
                    inputTokens, outputTokens);
        }

        private String stopReason(boolean noToolCalls) {
            if (finishReason == null || "stop".equals(finishReason)) {
                // some servers (older Ollama) finish a tool-calling turn with "stop", or name no reason at all
                return noToolCalls ? "end" : "tool_calls";
            }
            return switch (finishReason) {
                case "tool_calls", "function_call" -> "tool_calls";
                case "length" -> "max_tokens";
                default -> finishReason;
            };
        }

        private static long number(JsonObject object, String name) {
            return object.get(name) instanceof JsonNumber n ? n.longValue() : 0;
        }

        private static ModelException streamError(String message) {
            return new ModelException("model-unavailable", "the model reported an error mid-stream: " + message, true,
                    null);
        }

        private static ModelException malformed(String message) {
            return new ModelException("model-malformed-response", message, true, null);
        }

        private static String abbreviate(String data) {
            return data.length() > 200 ? data.substring(0, 200) + "…" : data;
        }
    }

    private static final class PendingCall {
        String id;
        String name;
        boolean started;
        final StringBuilder arguments = new StringBuilder();
    }
}
