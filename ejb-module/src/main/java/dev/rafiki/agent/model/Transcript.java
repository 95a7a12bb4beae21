package dev.rafiki.agent.model;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A conversation as a session holds it: an immutable list of messages that also knows the totals
 * every model turn asks of the whole history (the estimated tokens the context window counts, the
 * words of the contents the echo model bills, the tool call names not fit for the wire). Each
 * total is summed once, when a message is added, instead of over the whole history at every turn:
 * with a session of a thousand prompts those sums were about half of an echo prompt's CPU on the
 * prompt thread (JFR), and they grew with every prompt.
 * <p>
 * {@link #plus} copies the references (an array copy, cheap next to visiting every message) and
 * adds the new messages' own figures to the totals.
 */
public final class Transcript extends AbstractList<ChatMessage> implements RandomAccess {

    private static final Transcript EMPTY = new Transcript(new ChatMessage[0], 0, 0, 0);

    private final ChatMessage[] messages;
    private final long estimatedTokens;
    private final long contentWords;
    private final int foreignToolNames;

    private Transcript(ChatMessage[] messages, long estimatedTokens, long contentWords, int foreignToolNames) {
        this.messages = messages;
        this.estimatedTokens = estimatedTokens;
        this.contentWords = contentWords;
        this.foreignToolNames = foreignToolNames;
    }

    /** The list itself when it is one, otherwise a transcript of its messages. */
    public static Transcript of(List<ChatMessage> messages) {
        if (messages instanceof Transcript transcript) {
            return transcript;
        }
        return EMPTY.plus(messages);
    }

    public Transcript plus(ChatMessage message) {
        return plus(List.of(message));
    }

    public Transcript plus(List<ChatMessage> more) {
        if (more.isEmpty()) {
            return this;
        }
        var all = Arrays.copyOf(messages, messages.length + more.size());
        long tokens = estimatedTokens;
        long words = contentWords;
        int foreign = foreignToolNames;
        int at = messages.length;
        for (var message : more) {
            all[at++] = java.util.Objects.requireNonNull(message);
            tokens += estimatedTokens(message);
            words += words(message.content());
            foreign += foreignToolNames(message);
        }
        return new Transcript(all, tokens, words, foreign);
    }

    @Override
    public ChatMessage get(int index) {
        return messages[index];
    }

    @Override
    public int size() {
        return messages.length;
    }

    /** The sum of {@link #estimatedTokens(ChatMessage)} over the messages. */
    public long estimatedTokens() {
        return estimatedTokens;
    }

    /** The sum of {@link #words(String)} over the messages' contents. */
    public long contentWords() {
        return contentWords;
    }

    /** Whether every tool call name in the messages is already a wire name ({@link WireToolNames#wire}). */
    public boolean toolNamesOnTheWire() {
        return foreignToolNames == 0;
    }

    /** What a provider adds around each message (role, separators), estimated. */
    public static final int MESSAGE_OVERHEAD = 4;

    /**
     * A message's tokens, estimated: {@link #estimatedTokens(String)} of its content, its tool call
     * id and each call's id, name and arguments, plus {@link #MESSAGE_OVERHEAD}.
     */
    public static long estimatedTokens(ChatMessage message) {
        long tokens = MESSAGE_OVERHEAD + estimatedTokens(message.content()) + estimatedTokens(message.toolCallId());
        for (var call : calls(message)) {
            tokens += estimatedTokens(call.id()) + estimatedTokens(call.name()) + estimatedTokens(call.arguments());
        }
        return tokens;
    }

    /** Characters / 4, rounded up: about what OpenAI's and Anthropic's tokenizers give for English. */
    public static long estimatedTokens(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }

    /** Whitespace-separated words, as {@code text.strip().split("\\s+")} would count them, without a regex. */
    public static long words(String text) {
        if (text == null) {
            return 0;
        }
        long words = 0;
        boolean inWord = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    private static List<ToolCall> calls(ChatMessage message) {
        return message.toolCalls() == null ? List.of() : message.toolCalls();
    }

    private static int foreignToolNames(ChatMessage message) {
        int foreign = 0;
        for (var call : calls(message)) {
            if (!call.name().equals(WireToolNames.wire(call.name()))) {
                foreign++;
            }
        }
        return foreign;
    }
}
