package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.tool.control.ToolResult;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a running prompt's events look like, and how streamed text is gathered, on a clock the test moves. */
class PromptEventListenerTest {

    final UUID promptId = UUID.randomUUID();
    final List<String> events = new ArrayList<>();
    final List<JsonObject> payloads = new ArrayList<>();
    long now = 1_000_000_000L;
    final PromptEventListener listener = new PromptEventListener(event -> {
        events.add(event.type() + (event instanceof SessionEvent.MessageDelta delta ? ":" + delta.text() : ""));
        try (var reader = Json.createReader(new StringReader(event.data()))) {
            payloads.add(reader.readObject());
        }
    }, promptId, () -> now);

    @Test
    void theFirstTokenGoesAtOnceAndTheNextOnesAreGatheredUntilTheIntervalIsOver() {
        listener.textDelta("Hel");
        listener.textDelta("lo");
        now += PromptEventListener.COALESCE_NANOS - 1;
        listener.textDelta(", ");
        now += 1;
        listener.textDelta("world");
        listener.textDelta("!");
        listener.flush();
        listener.flush();

        assertEquals(List.of("message.delta:Hel", "message.delta:lo, world", "message.delta:!"), events,
                "a stream's first token at once, then at most one delta per interval, the rest at the end");
    }

    @Test
    void anyOtherEventFirstFlushesTheGatheredTextSoTheOrderIsKept() {
        listener.textDelta("I will ");
        listener.textDelta("look");
        listener.toolCallStarted("call-1", "read_file");
        listener.toolCallArgumentsDelta("call-1", "{\"path\":");
        listener.toolCallArgumentsDelta("call-1", "\"a.txt\"}");
        listener.messageCompleted(ChatMessage.assistant("I will look",
                List.of(new ToolCall("call-1", "read_file", "{\"path\":\"a.txt\"}"))));
        listener.toolFinished(new ToolCall("call-1", "read_file", "{}"), ToolResult.ok("hi"));

        assertEquals(List.of("message.delta:I will ", "message.delta:look", "tool_call.started", "tool_call.delta",
                "tool_call.delta", "message.completed", "tool_call.finished"), events);
        payloads.forEach(p -> assertEquals(promptId.toString(), p.getString("prompt_id"), "every event names its prompt"));
        var completed = payloads.get(5);
        assertEquals("assistant", completed.getString("role"));
        assertEquals("read_file", completed.getJsonArray("tool_calls").getJsonObject(0).getString("name"));
        var finished = payloads.get(6);
        assertEquals("hi", finished.getString("result"));
        assertEquals(false, finished.getBoolean("error"));
    }

    @Test
    void aLongToolResultIsPreviewedWithoutCuttingACharacterInTwo() {
        var emoji = "\uD83D\uDE00"; // one character, two chars
        var content = "a".repeat(4095) + emoji + "tail";
        listener.toolFinished(new ToolCall("call-1", "run_shell", "{}"), ToolResult.failed(content));

        var result = payloads.get(0).getString("result");
        assertEquals("a".repeat(4095), result, "the high surrogate at the limit goes with its pair");
        assertEquals(true, payloads.get(0).getBoolean("error"));
        assertEquals("x".repeat(4096), PromptEventListener.preview("x".repeat(5000)));
    }
}
