package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptTest {

    static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.user("list the files please"),
            ChatMessage.assistant("", List.of(new ToolCall("c1", "list_files", "{\"path\":\".\"}"))),
            ChatMessage.toolResult("c1", "a.txt\nb.txt", false),
            ChatMessage.assistant("two files:  a.txt and b.txt", List.of()),
            ChatMessage.user("thanks"));

    @Test
    void itsTotalsAreWhatWalkingEveryMessageGives() {
        var transcript = Transcript.of(CONVERSATION);
        assertEquals(CONVERSATION, transcript);
        assertEquals(CONVERSATION.stream().mapToLong(Transcript::estimatedTokens).sum(), transcript.estimatedTokens());
        assertEquals(CONVERSATION.stream().mapToLong(m -> m.content().isBlank() ? 0 : m.content().strip().split("\\s+").length).sum(),
                transcript.contentWords());
        assertTrue(transcript.toolNamesOnTheWire());
    }

    @Test
    void growingItOneMessageAtATimeGivesTheSameTotalsAndLeavesEveryEarlierVersionAsItWas() {
        var built = Transcript.of(List.of());
        var versions = new ArrayList<Transcript>();
        for (var message : CONVERSATION) {
            built = built.plus(message);
            versions.add(built);
        }
        var whole = Transcript.of(CONVERSATION);
        assertEquals(whole.estimatedTokens(), built.estimatedTokens());
        assertEquals(whole.contentWords(), built.contentWords());
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(CONVERSATION.subList(0, i + 1), versions.get(i));
            assertEquals(Transcript.of(new ArrayList<>(CONVERSATION.subList(0, i + 1))).estimatedTokens(),
                    versions.get(i).estimatedTokens());
        }
        // two runs growing the same version apart do not see each other's messages
        var one = versions.get(0).plus(ChatMessage.user("one"));
        var other = versions.get(0).plus(ChatMessage.user("other"));
        assertEquals("one", one.get(1).content());
        assertEquals("other", other.get(1).content());
    }

    @Test
    void aToolNameThatIsNotAWireNameIsNoticedWhereverItIs() {
        var transcript = Transcript.of(CONVERSATION).plus(
                ChatMessage.assistant("", List.of(new ToolCall("c2", "mcp.github.search issues", "{}"))));
        assertFalse(transcript.toolNamesOnTheWire());
        assertTrue(transcript.subList(0, CONVERSATION.size()).stream().allMatch(m ->
                m.toolCalls().stream().allMatch(c -> c.name().equals(WireToolNames.wire(c.name())))));
    }

    @Test
    void aTranscriptIsNotChangedInPlace() {
        var transcript = Transcript.of(CONVERSATION);
        assertThrows(UnsupportedOperationException.class, () -> transcript.add(ChatMessage.user("more")));
        assertThrows(UnsupportedOperationException.class, () -> transcript.set(0, ChatMessage.user("other")));
        assertSame(transcript, Transcript.of(transcript));
        assertSame(transcript, transcript.plus(List.of()));
    }

    @Test
    void theEchoModelBillsTheSameInputForATranscriptAsForAPlainList() throws Exception {
        var echo = new EchoProvider();
        var quiet = new ModelStreamListener() {
        };
        var plain = echo.complete(request(new ArrayList<>(CONVERSATION)), quiet, () -> false);
        var transcript = echo.complete(request(Transcript.of(CONVERSATION)), quiet, () -> false);
        assertEquals(plain.inputTokens(), transcript.inputTokens());
        assertEquals(Transcript.of(CONVERSATION).contentWords(), transcript.inputTokens());
    }

    static ModelRequest request(List<ChatMessage> messages) {
        return new ModelRequest("echo", null, messages, List.of(), 100, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
