package dev.rafiki.agent.model;

import dev.rafiki.tool.control.ToolSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Tool names as providers accept them. Rafiki names an MCP tool {@code <server>.<tool>}, but
 * OpenAI's function names must match {@code ^[a-zA-Z0-9_-]{1,64}$} and Anthropic's tool names
 * the same: towards the model a dot becomes {@code __}, any other character outside that set
 * {@code _}, and a name still too long (or clashing with another offered tool) is cut and given
 * a hash. The names the model calls are mapped back through the tools of the request, so the rest
 * of Rafiki (history, events, allow-lists) only ever sees {@code <server>.<tool>}. A name that
 * is valid already (every built-in tool's) is left as it is.
 */
public final class WireToolNames implements ModelProvider {

    static final int MAX = 64;
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_-]{1," + MAX + "}");
    private static final Pattern INVALID_CHARACTER = Pattern.compile("[^a-zA-Z0-9_-]");

    private final ModelProvider provider;

    private WireToolNames(ModelProvider provider) {
        this.provider = provider;
    }

    public static ModelProvider of(ModelProvider provider) {
        return provider instanceof WireToolNames ? provider : new WireToolNames(provider);
    }

    /** The wire name of one tool, without regard to the others offered with it. */
    public static String wire(String name) {
        if (VALID.matcher(name).matches()) {
            return name;
        }
        var wire = INVALID_CHARACTER.matcher(name.replace(".", "__")).replaceAll("_");
        return wire.length() <= MAX && !wire.isEmpty() ? wire : hashed(wire, name);
    }

    private static String hashed(String wire, String name) {
        try {
            var hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8)), 0, 4);
            return wire.substring(0, Math.min(wire.length(), MAX - 9)) + "_" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Wire name → Rafiki name, for the tools of one request; clashes get a hash. */
    static Map<String, String> names(List<ToolSpec> tools) {
        var byWire = new HashMap<String, String>();
        for (var tool : tools == null ? List.<ToolSpec>of() : tools) {
            var wire = wire(tool.name());
            if (byWire.containsKey(wire)) {
                wire = hashed(wire, tool.name());
            }
            byWire.put(wire, tool.name());
        }
        return byWire;
    }

    /**
     * Whether every name the request carries is a wire name already. This runs on every turn: a
     * session's {@link Transcript} knows the answer for its history; any other list is walked with
     * plain loops (stream pipelines here were a measurable share of an echo prompt's CPU).
     */
    private static boolean alreadyWire(Map<String, String> byWire, List<ChatMessage> messages) {
        for (var entry : byWire.entrySet()) {
            if (!entry.getKey().equals(entry.getValue())) {
                return false;
            }
        }
        if (messages instanceof Transcript transcript) {
            return transcript.toolNamesOnTheWire();
        }
        for (var message : messages) {
            var calls = message.toolCalls();
            // indexed, as ContextWindow.tokens: no iterator per message
            for (int i = 0, n = calls == null ? 0 : calls.size(); i < n; i++) {
                var name = calls.get(i).name();
                if (!name.equals(wire(name))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
            throws ModelException {
        var byWire = names(request.tools());
        if (alreadyWire(byWire, request.messages())) {
            return provider.complete(request, listener, cancelled);
        }
        var toWire = new HashMap<String, String>();
        byWire.forEach((wire, name) -> toWire.put(name, wire));
        var tools = request.tools().stream()
                .map(t -> new ToolSpec(toWire.get(t.name()), t.description(), t.parametersSchema())).toList();
        var messages = new ArrayList<ChatMessage>(request.messages().size());
        for (var message : request.messages()) {
            if (message.toolCalls() == null || message.toolCalls().isEmpty()) {
                messages.add(message);
            } else {
                messages.add(new ChatMessage(message.role(), message.content(), message.toolCalls().stream()
                        .map(c -> new ToolCall(c.id(), toWire.getOrDefault(c.name(), wire(c.name())), c.arguments()))
                        .toList(), message.toolCallId(), message.isError()));
            }
        }
        var wired = new ModelRequest(request.model(), request.system(), messages, tools, request.maxTokens(),
                request.connectTimeout(), request.idleTimeout(), request.temperature(), request.outputSchema());
        var turn = provider.complete(wired, new ModelStreamListener() {
            @Override
            public void textDelta(String text) {
                listener.textDelta(text);
            }

            @Override
            public void toolCallStarted(String id, String name) {
                listener.toolCallStarted(id, byWire.getOrDefault(name, name));
            }

            @Override
            public void toolCallArgumentsDelta(String id, String fragment) {
                listener.toolCallArgumentsDelta(id, fragment);
            }
        }, cancelled);
        return new ModelTurn(turn.text(), turn.toolCalls().stream()
                .map(c -> new ToolCall(c.id(), byWire.getOrDefault(c.name(), c.name()), c.arguments())).toList(),
                turn.stopReason(), turn.inputTokens(), turn.outputTokens());
    }
}
