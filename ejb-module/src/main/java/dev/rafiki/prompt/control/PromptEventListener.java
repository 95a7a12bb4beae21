package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.tool.control.ToolResult;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Turns what a running prompt does into events, handed to a {@link Sink} in order.
 * Text that streams faster than one event per {@link #COALESCE_NANOS} is gathered into one delta
 * (flushed by the next piece after the interval, by any other event, or at the end): a stream's
 * first token goes out at once, and a fast model does not cost a transaction per token.
 */
final class PromptEventListener implements AgentLoop.Listener {

    private static final int RESULT_PREVIEW = 4096;
    static final long COALESCE_NANOS = 25_000_000;

    private final StringBuilder pendingText = new StringBuilder();
    private long lastTextFlush = Long.MIN_VALUE;

    /** Where the events go: a group-commit unit fenced by the runner's claim. */
    @FunctionalInterface
    interface Sink {
        void event(SessionEvent event);
    }

    private final Sink sink;
    private final UUID promptId;
    private final LongSupplier nanoTime;

    PromptEventListener(Sink sink, UUID promptId) {
        this(sink, promptId, System::nanoTime);
    }

    /** With the clock the coalescing reads (a test's own, so that it never depends on how fast it runs). */
    PromptEventListener(Sink sink, UUID promptId, LongSupplier nanoTime) {
        this.sink = sink;
        this.promptId = promptId;
        this.nanoTime = nanoTime;
    }

    @Override
    public void textDelta(String text) {
        pendingText.append(text);
        if (lastTextFlush == Long.MIN_VALUE || nanoTime.getAsLong() - lastTextFlush >= COALESCE_NANOS) {
            flush();
        }
    }

    /** Emits the text gathered so far; call before any other event and when the run ends. */
    void flush() {
        if (pendingText.length() > 0) {
            var text = pendingText.toString();
            pendingText.setLength(0);
            lastTextFlush = nanoTime.getAsLong();
            sink.event(new SessionEvent.MessageDelta(promptId, text));
        }
    }

    @Override
    public void toolCallStarted(String id, String name) {
        emit(new SessionEvent.ToolCallStarted(promptId, id, name));
    }

    @Override
    public void toolCallArgumentsDelta(String id, String fragment) {
        emit(new SessionEvent.ToolCallDelta(promptId, id, fragment));
    }

    @Override
    public void toolFinished(ToolCall call, ToolResult result) {
        emit(new SessionEvent.ToolCallFinished(promptId, call.id(), call.name(), result.error(),
                preview(result.content())));
    }

    /** The result's start, never cut between the two halves of a surrogate pair. */
    static String preview(String content) {
        if (content.length() <= RESULT_PREVIEW) {
            return content;
        }
        int end = Character.isHighSurrogate(content.charAt(RESULT_PREVIEW - 1)) ? RESULT_PREVIEW - 1 : RESULT_PREVIEW;
        return content.substring(0, end);
    }

    @Override
    public void messageCompleted(ChatMessage message) {
        var calls = message.toolCalls().stream()
                .map(c -> new SessionEvent.MessageCompleted.Call(c.id(), c.name(), c.arguments())).toList();
        emit(new SessionEvent.MessageCompleted(promptId, "assistant", message.content(), calls));
    }

    private void emit(SessionEvent event) {
        flush();
        sink.event(event);
    }
}
