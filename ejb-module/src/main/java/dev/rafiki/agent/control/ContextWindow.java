package dev.rafiki.agent.control;

import dev.rafiki.agent.model.ChatMessage.Role;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ModelRequest;
import dev.rafiki.agent.model.Transcript;
import dev.rafiki.tool.control.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds what one model request carries to a model's context window. The system instructions,
 * the tools and the current turn's user message are always sent; of the conversation, the latest
 * messages are kept and the oldest dropped first, in whole units that providers accept on their
 * own: a turn (a user message and all that answered it) before the current one, and, inside the
 * current turn, an assistant message together with the results of its tool calls (a tool result
 * without its call is refused by every provider). The last unit is always kept. When anything
 * was dropped, the system instructions end with a note saying how many earlier messages were
 * omitted, so the model knows the conversation started before what it sees.
 * <p>
 * Tokens are estimated, not counted: {@link #tokens(String)} characters / 4 rounded up, plus
 * {@link #MESSAGE_OVERHEAD} per message. Real tokenizers give about 4 characters per token for
 * English text and fewer for code or other scripts, so the window is an estimate with a
 * margin: the budget is the window minus the answer's reserve.
 */
public final class ContextWindow {

    /** Unbounded: every message is sent. */
    public static final ContextWindow NONE = new ContextWindow(Long.MAX_VALUE, 0);

    /** What a provider adds around each message (role, separators), estimated. */
    static final int MESSAGE_OVERHEAD = Transcript.MESSAGE_OVERHEAD;

    private final long contextTokens;
    private final long reserve;

    /**
     * @param contextTokens the model's context window in tokens
     * @param answerTokens  the most the answer may take ({@code max_tokens}); reserved out of the
     *                      window, but never more than half of it, so a small window still carries
     *                      a conversation
     */
    public ContextWindow(long contextTokens, long answerTokens) {
        this.contextTokens = contextTokens;
        this.reserve = Math.min(Math.max(0, answerTokens), contextTokens / 2);
    }

    /** The tokens a request's input may use: the window less the answer's reserve. */
    public long budget() {
        return contextTokens - reserve;
    }

    /**
     * @param system   the system instructions as they would be sent, or null
     * @param messages the messages as they would be sent, oldest first
     * @param omitted  how many messages of the conversation were left out (0: none)
     */
    public record Fitted(String system, List<ChatMessage> messages, int omitted) {
    }

    /**
     * @param conversation the conversation, ending with the current turn (its user message and
     *                     what the run produced since)
     */
    public Fitted fit(String system, List<ToolSpec> tools, List<ChatMessage> conversation) {
        if (contextTokens == Long.MAX_VALUE) {
            return new Fitted(system, conversation, 0);
        }
        long fixed = tokens(system) + tools.stream()
                .mapToLong(t -> tokens(t.name()) + tokens(t.description()) + tokens(t.parametersSchema()) + MESSAGE_OVERHEAD)
                .sum();
        long all = fixed;
        if (conversation instanceof Transcript transcript) {
            all += transcript.estimatedTokens();
        } else {
            for (var message : conversation) {
                all += tokens(message);
            }
        }
        if (all <= budget()) {
            return new Fitted(system, conversation, 0);
        }
        // the note itself takes room: counted for the largest number of messages it could name
        long room = budget() - fixed - tokens(ModelRequest.omissionNote(conversation.size())) - 1;
        var units = units(conversation);
        int current = currentTurn(conversation);
        // kept from the end: the last unit always, then older ones while they fit
        int keptFrom = units.get(units.size() - 1).start;
        long used = 0;
        for (int i = keptFrom; i < conversation.size(); i++) {
            used += tokens(conversation.get(i));
        }
        long pinned = current >= 0 && current < keptFrom ? tokens(conversation.get(current)) : 0;
        for (int u = units.size() - 2; u >= 0; u--) {
            var unit = units.get(u);
            if (unit.start == current) {
                continue; // counted as pinned
            }
            if (used + pinned + unit.tokens > room) {
                break;
            }
            used += unit.tokens;
            keptFrom = unit.start;
        }
        var sent = new ArrayList<ChatMessage>();
        if (current >= 0 && current < keptFrom) {
            sent.add(conversation.get(current));
        }
        sent.addAll(conversation.subList(keptFrom, conversation.size()));
        int omitted = conversation.size() - sent.size();
        if (omitted == 0) {
            return new Fitted(system, conversation, 0);
        }
        var note = ModelRequest.omissionNote(omitted);
        return new Fitted(system == null || system.isEmpty() ? note : system + "\n\n" + note, List.copyOf(sent), omitted);
    }

    /** A range of messages that is kept or dropped as a whole. */
    private record Unit(int start, long tokens) {
    }

    /**
     * Before the current turn: whole turns. In the current turn: its user message, then each
     * assistant message with the tool results that follow it.
     */
    private static List<Unit> units(List<ChatMessage> conversation) {
        int current = currentTurn(conversation);
        var units = new ArrayList<Unit>();
        int start = 0;
        long tokens = 0;
        for (int i = 0; i < conversation.size(); i++) {
            var message = conversation.get(i);
            boolean opens = i > 0 && (i <= current
                    ? message.role() == Role.USER
                    : message.role() != Role.TOOL);
            if (opens) {
                units.add(new Unit(start, tokens));
                start = i;
                tokens = 0;
            }
            tokens += tokens(message);
        }
        units.add(new Unit(start, tokens));
        return units;
    }

    /** The index of the last user message (the current turn's), or -1. */
    private static int currentTurn(List<ChatMessage> conversation) {
        for (int i = conversation.size() - 1; i >= 0; i--) {
            if (conversation.get(i).role() == Role.USER) {
                return i;
            }
        }
        return -1;
    }

    static long tokens(ChatMessage message) {
        return Transcript.estimatedTokens(message);
    }

    /** Characters / 4, rounded up: about what OpenAI's and Anthropic's tokenizers give for English. */
    public static long tokens(String text) {
        return Transcript.estimatedTokens(text);
    }
}
