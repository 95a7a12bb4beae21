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
 * {@link #plus} adds the new messages' own figures to the totals and, like an append-only vector,
 * writes the messages into the spare room of the array it shares with the transcript it extends,
 * when nobody has appended there yet; only then does it copy (into an array half as big again).
 * A session's history grows by a prompt at a time and is extended from its newest version, so a
 * prompt no longer copies the whole history: in a session of 3 000 prompts those copies were
 * the largest allocation of the prompt thread (JFR). Older versions stay as they were: they never
 * read past their own size, and the room past the newest size is written before the transcript
 * that shows it is made, so its final fields publish it.
 */
public final class Transcript extends AbstractList<ChatMessage> implements RandomAccess {

    private static final Transcript EMPTY = new Transcript(new Room(new ChatMessage[0]), 0, 0, 0, 0);

    /** An array shared by the versions of one transcript, and how much of it some version uses. */
    private static final class Room {
        final ChatMessage[] messages;
        /** Guarded by this: the size of the longest version using {@link #messages}. */
        int used;

        Room(ChatMessage[] messages) {
            this.messages = messages;
        }
    }

    private final Room room;
    private final ChatMessage[] messages;
    private final int size;
    private final long estimatedTokens;
    private final long contentWords;
    private final int foreignToolNames;

    private Transcript(Room room, int size, long estimatedTokens, long contentWords, int foreignToolNames) {
        this.room = room;
        this.messages = room.messages;
        this.size = size;
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
        int n = more.size();
        for (var message : more) {
            java.util.Objects.requireNonNull(message);
        }
        var target = room;
        synchronized (target) {
            if (target.used == size && size + n <= target.messages.length) {
                target.used = size + n; // this version is the newest: its room past size is free
            } else {
                target = null;
            }
        }
        if (target == null) {
            var grown = Arrays.copyOf(messages, Math.max(size + n, size + (size >> 1) + 8));
            target = new Room(grown);
            target.used = size + n;
            // past this version's size: what a longer version wrote there is not this one's
            Arrays.fill(grown, size, grown.length, null);
        }
        long tokens = estimatedTokens;
        long words = contentWords;
        int foreign = foreignToolNames;
        int at = size;
        for (var message : more) {
            target.messages[at++] = message;
            tokens += estimatedTokens(message);
            words += words(message.content());
            foreign += foreignToolNames(message);
        }
        return new Transcript(target, size + n, tokens, words, foreign);
    }

    @Override
    public ChatMessage get(int index) {
        java.util.Objects.checkIndex(index, size);
        return messages[index];
    }

    @Override
    public int size() {
        return size;
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
