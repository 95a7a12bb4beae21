package dev.rafiki.agent.model;

import dev.rafiki.agent.model.ChatMessage.Role;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The built-in offline model: answers {@code "echo: " + prompt}, streamed word by word. It needs
 * no network, so every feature can be tried and tested without a model service. Directives at the
 * start of a prompt make it behave like a real model, deterministically:
 * <ul>
 * <li>{@code /slow <ms> words...}: streams the words {@code ms} milliseconds apart;</li>
 * <li>{@code /tool <name> <json-arguments>}: calls that tool, then answers with its result;</li>
 * <li>{@code /tools [{"name": ..., "arguments": {...}}, ...]}: calls those tools one step after
 * another, then answers with all their results;</li>
 * <li>{@code /words <n>}: answers with {@code n} words, streamed in one piece, to grow a long history quickly;</li>
 * <li>{@code /context}: answers with what the request carried, {@code "echo: context of <m>
 * messages, <k> earlier omitted"}, so the context window's trimming can be watched offline.</li>
 * </ul>
 * With an output schema (structured output) it answers with the prompt itself when the prompt is
 * JSON, and with {@code "echo: " + prompt} (which no schema accepts) when it is not; the prompt
 * {@code /outputs [a, b, …]} answers {@code a} first and, asked again with the validation errors,
 * {@code b}, so a test can send an invalid answer and then a valid one.
 */
public final class EchoProvider implements ModelProvider {

    public static final String NAME = "echo";
    static final long MAX_WORD_DELAY_MS = 10_000;
    private static final Pattern SLOW = Pattern.compile("^/slow\\s+(\\d{1,6})\\s+(.*)$", Pattern.DOTALL);
    private static final Pattern TOOLS = Pattern.compile("^/tools\\s+(\\[.*\\])\\s*$", Pattern.DOTALL);
    private static final Pattern OUTPUTS = Pattern.compile("^/outputs\\s+(\\[.*\\])\\s*$", Pattern.DOTALL);
    private static final Pattern WORDS = Pattern.compile("^/words\\s+(\\d{1,5})\\s*$");
    private static final Pattern CONTEXT = Pattern.compile("^/context\\s*$");
    /** How {@link ModelRequest#omissionNote} names the messages left out. */
    private static final Pattern OMITTED = Pattern.compile("\\[(\\d+) earlier messages? of this conversation (?:was|were) omitted");
    private static final Pattern TOOL = Pattern.compile("^/tool\\s+([A-Za-z0-9_-]+)\\s*(.*)$", Pattern.DOTALL);

    @Override
    public ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
            throws ModelException {
        var messages = request.messages();
        var last = messages.get(messages.size() - 1);
        long input = 0;
        if (messages instanceof Transcript transcript) {
            input = transcript.contentWords();
        } else {
            for (var message : messages) {
                input += tokens(message.content());
            }
        }
        int user = lastUserMessage(messages);
        var script = TOOLS.matcher(messages.get(user).content());
        if (script.matches()) {
            var steps = steps(script.group(1));
            if (steps == null) {
                return stream("echo: /tools needs a JSON array of {\"name\", \"arguments\"} objects", 0, listener,
                        cancelled, input);
            }
            int done = (int) messages.subList(user, messages.size()).stream()
                    .filter(m -> m.role() == Role.ASSISTANT && !m.toolCalls().isEmpty()).count();
            if (done < steps.size()) {
                var step = steps.get(done);
                var call = new ToolCall("echo-call-" + messages.size(), step.name(), step.arguments());
                listener.toolCallStarted(call.id(), call.name());
                listener.toolCallArgumentsDelta(call.id(), call.arguments());
                return new ModelTurn("", List.of(call), "tool_calls", input, tokens(call.arguments()));
            }
        }
        if (last.role() == Role.TOOL) {
            return answerToolResults(messages, listener, cancelled, input);
        }
        var prompt = last.content();
        var tool = TOOL.matcher(prompt);
        if (tool.matches()) {
            var arguments = tool.group(2).isBlank() ? "{}" : tool.group(2).strip();
            var call = new ToolCall("echo-call-" + messages.size(), tool.group(1), arguments);
            listener.toolCallStarted(call.id(), call.name());
            listener.toolCallArgumentsDelta(call.id(), arguments);
            return new ModelTurn("", List.of(call), "tool_calls", input, tokens(arguments));
        }
        if (request.outputSchema() != null) {
            return structured(messages, listener, cancelled, input);
        }
        if (CONTEXT.matcher(prompt).matches()) {
            var omitted = request.system() == null ? null : OMITTED.matcher(request.system());
            return stream("echo: context of " + messages.size() + " messages, "
                    + (omitted != null && omitted.find() ? omitted.group(1) : "0") + " earlier omitted", 0, listener,
                    cancelled, input);
        }
        var words = WORDS.matcher(prompt);
        if (words.matches()) {
            var answer = new StringBuilder("echo:");
            for (int i = 1, n = Integer.parseInt(words.group(1)); i <= n; i++) {
                answer.append(" w").append(i);
            }
            // in one piece: a long history is built from few events
            listener.textDelta(answer.toString());
            return new ModelTurn(answer.toString(), List.of(), "end", input, tokens(answer.toString()));
        }
        var slow = SLOW.matcher(prompt);
        if (slow.matches()) {
            long delay = Math.min(Long.parseLong(slow.group(1)), MAX_WORD_DELAY_MS);
            return stream("echo: " + slow.group(2).strip(), delay, listener, cancelled, input);
        }
        return stream("echo: " + prompt, 0, listener, cancelled, input);
    }

    /** The prompt as the answer if it is JSON; the n-th of {@code /outputs} after n-1 corrections. */
    private static ModelTurn structured(List<ChatMessage> messages, ModelStreamListener listener,
                                        BooleanSupplier cancelled, long input) throws ModelException {
        int prompt = messages.size() - 1;
        int corrections = 0;
        while (prompt > 0 && messages.get(prompt).role() == Role.USER
               && messages.get(prompt).content().startsWith(ModelRequest.OUTPUT_FEEDBACK)) {
            corrections++;
            prompt = previousUserMessage(messages, prompt);
        }
        var text = messages.get(prompt).content();
        var outputs = OUTPUTS.matcher(text);
        if (outputs.matches()) {
            var answers = json(outputs.group(1));
            if (answers instanceof jakarta.json.JsonArray array && !array.isEmpty()) {
                return stream(array.get(Math.min(corrections, array.size() - 1)).toString(), 0, listener, cancelled, input);
            }
        } else if (json(text) != null) {
            return stream(text.strip(), 0, listener, cancelled, input);
        }
        return stream("echo: " + text, 0, listener, cancelled, input);
    }

    private static int previousUserMessage(List<ChatMessage> messages, int from) {
        for (int i = from - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return i;
            }
        }
        return from;
    }

    /** @return null when the text is not one JSON value */
    private static jakarta.json.JsonValue json(String text) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
            return reader.readValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int lastUserMessage(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return i;
            }
        }
        return messages.size() - 1;
    }

    /** @return null when the script is not an array of tool calls */
    private static List<ToolCall> steps(String json) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            var steps = new java.util.ArrayList<ToolCall>();
            for (var value : reader.readArray()) {
                var step = value.asJsonObject();
                var arguments = step.get("arguments");
                steps.add(new ToolCall(null, step.getString("name"), arguments == null ? "{}" : arguments.toString()));
            }
            return steps;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private ModelTurn answerToolResults(List<ChatMessage> messages, ModelStreamListener listener,
                                        BooleanSupplier cancelled, long input) throws ModelException {
        var answer = new StringBuilder("echo:");
        for (int i = messages.size() - 1; i >= 0 && messages.get(i).role() != Role.USER; i--) {
            if (messages.get(i).role() != Role.TOOL) {
                continue;
            }
            var result = messages.get(i);
            var name = toolName(messages, result.toolCallId());
            var content = result.content().length() > 2000 ? result.content().substring(0, 2000) + "…" : result.content();
            answer.insert(5, " " + name + (result.isError() ? " failed: " : " returned: ") + content);
        }
        return stream(answer.toString(), 0, listener, cancelled, input);
    }

    private static String toolName(List<ChatMessage> messages, String callId) {
        return messages.stream().flatMap(m -> m.toolCalls().stream())
                .filter(c -> c.id().equals(callId)).map(ToolCall::name).findFirst().orElse("tool");
    }

    /** Streams the answer word by word; a cancellation keeps the words so far (in the listener). */
    private static ModelTurn stream(String answer, long delayMs, ModelStreamListener listener,
                                    BooleanSupplier cancelled, long input) throws ModelException {
        var words = answer.split("(?<=\\s)");
        for (int i = 0; i < words.length; i++) {
            if (delayMs > 0 && i > 0) {
                pause(delayMs, cancelled);
            } else if (cancelled.getAsBoolean()) {
                throw new ModelException("model-cancelled", "the model call was cancelled", false, null);
            }
            listener.textDelta(words[i]);
        }
        return new ModelTurn(answer, List.of(), "end", input, tokens(answer));
    }

    private static void pause(long millis, BooleanSupplier cancelled) throws ModelException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (cancelled.getAsBoolean()) {
                throw new ModelException("model-cancelled", "the model call was cancelled", false, null);
            }
            try {
                Thread.sleep(Math.min(10, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException("model-cancelled", "interrupted", false, null);
            }
        }
        if (cancelled.getAsBoolean()) {
            throw new ModelException("model-cancelled", "the model call was cancelled", false, null);
        }
    }

    /** A crude but deterministic token count: whitespace-separated words. */
    static long tokens(String text) {
        return Transcript.words(text);
    }
}
