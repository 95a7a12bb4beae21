package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EchoProviderTest {

    EchoProvider echo = new EchoProvider();
    List<String> deltas = new ArrayList<>();
    ModelStreamListener listener = new ModelStreamListener() {
        @Override
        public void textDelta(String text) {
            deltas.add(text);
        }
    };

    ModelTurn ask(String prompt) throws ModelException {
        return echo.complete(request(List.of(ChatMessage.user(prompt))), listener, () -> false);
    }

    static ModelRequest request(List<ChatMessage> messages) {
        return new ModelRequest("echo", null, messages, List.of(), 100, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void answersEchoOfThePromptStreamedWordByWord() throws Exception {
        var turn = ask("hello big world");
        assertEquals("echo: hello big world", turn.text());
        assertEquals("end", turn.stopReason());
        assertEquals(List.of("echo: ", "hello ", "big ", "world"), deltas);
        assertEquals(String.join("", deltas), turn.text());
        assertEquals(3, turn.inputTokens());
        assertEquals(4, turn.outputTokens());
    }

    @Test
    void slowDirectiveStreamsTheWordsApart() throws Exception {
        long start = System.nanoTime();
        var turn = ask("/slow 40 a b c");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("echo: a b c", turn.text());
        assertTrue(millis >= 120, "three pauses of 40 ms, took " + millis);
    }

    @Test
    void cancellationMidAnswerStopsWithTheWordsSoFarStreamed() {
        var cancelled = new AtomicBoolean();
        var counting = new ModelStreamListener() {
            @Override
            public void textDelta(String text) {
                deltas.add(text);
                if (deltas.size() == 3) {
                    cancelled.set(true);
                }
            }
        };
        var e = assertThrows(ModelException.class,
                () -> echo.complete(request(List.of(ChatMessage.user("/slow 20 one two three four"))), counting, cancelled::get));
        assertEquals("model-cancelled", e.code());
        assertEquals(List.of("echo: ", "one ", "two "), deltas);
    }

    @Test
    void toolDirectiveCallsTheToolThenAnswersWithItsResult() throws Exception {
        var first = ask("/tool write_file {\"path\":\"a.txt\",\"content\":\"hi\"}");
        assertEquals("tool_calls", first.stopReason());
        assertEquals(1, first.toolCalls().size());
        var call = first.toolCalls().get(0);
        assertEquals("write_file", call.name());
        assertEquals("{\"path\":\"a.txt\",\"content\":\"hi\"}", call.arguments());

        var conversation = List.of(ChatMessage.user("/tool write_file {}"), ChatMessage.assistant("", List.of(call)),
                ChatMessage.toolResult(call.id(), "wrote 2 bytes to a.txt", false));
        var second = echo.complete(request(conversation), listener, () -> false);
        assertEquals("echo: write_file returned: wrote 2 bytes to a.txt", second.text());
        assertEquals("end", second.stopReason());
    }

    @Test
    void aFailedToolIsReportedAsFailed() throws Exception {
        var call = new ToolCall("c1", "read_file", "{}");
        var conversation = List.of(ChatMessage.user("/tool read_file {}"), ChatMessage.assistant("", List.of(call)),
                ChatMessage.toolResult("c1", "no such file: x", true));
        assertEquals("echo: read_file failed: no such file: x", echo.complete(request(conversation), listener, () -> false).text());
    }

    @Test
    void toolsDirectiveCallsEachToolInTurnThenAnswersWithAllResults() throws Exception {
        var script = "/tools [{\"name\":\"write_file\",\"arguments\":{\"path\":\"a\",\"content\":\"x\"}},"
                + "{\"name\":\"read_file\",\"arguments\":{\"path\":\"a\"}}]";
        var conversation = new java.util.ArrayList<>(List.of(ChatMessage.user(script)));
        var first = echo.complete(request(conversation), listener, () -> false);
        assertEquals("write_file", first.toolCalls().get(0).name());
        assertEquals("{\"path\":\"a\",\"content\":\"x\"}", first.toolCalls().get(0).arguments());
        conversation.add(ChatMessage.assistant("", first.toolCalls()));
        conversation.add(ChatMessage.toolResult(first.toolCalls().get(0).id(), "wrote 1 bytes to a", false));

        var second = echo.complete(request(conversation), listener, () -> false);
        assertEquals("read_file", second.toolCalls().get(0).name());
        assertTrue(!second.toolCalls().get(0).id().equals(first.toolCalls().get(0).id()));
        conversation.add(ChatMessage.assistant("", second.toolCalls()));
        conversation.add(ChatMessage.toolResult(second.toolCalls().get(0).id(), "x", false));

        var answer = echo.complete(request(conversation), listener, () -> false);
        assertEquals("end", answer.stopReason());
        assertEquals("echo: write_file returned: wrote 1 bytes to a read_file returned: x", answer.text());
    }

    @Test
    void aToolsDirectiveThatIsNotAnArrayOfCallsIsExplained() throws Exception {
        assertTrue(ask("/tools [1, 2]").text().startsWith("echo: /tools needs a JSON array"));
    }

    @Test
    void wordDelayIsCapped() {
        assertEquals(10_000, EchoProvider.MAX_WORD_DELAY_MS);
    }
}
