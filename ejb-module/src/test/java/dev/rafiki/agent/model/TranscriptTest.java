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
    void versionsThatShareRoomNeverSeeEachOthersMessages() throws Exception {
        // a long history grown a message at a time, as a session's is: each version keeps its own messages
        var versions = new ArrayList<Transcript>();
        var built = Transcript.of(List.of());
        for (int i = 0; i < 1_000; i++) {
            built = built.plus(ChatMessage.user("m" + i));
            versions.add(built);
        }
        for (int i = 0; i < versions.size(); i += 97) {
            var version = versions.get(i);
            assertEquals(i + 1, version.size());
            assertEquals("m" + i, version.get(i).content());
            int past = i + 1;
            assertThrows(IndexOutOfBoundsException.class, () -> version.get(past));
        }
        // an older version grown again gets a copy: the newer ones keep what they had
        var branch = versions.get(10).plus(ChatMessage.user("branch"));
        assertEquals("branch", branch.get(11).content());
        assertEquals("m11", versions.get(11).get(11).content());
        assertEquals("m11", built.get(11).content());
        // many threads growing the same version at once: each result holds its own message only
        var base = versions.get(500);
        var results = new java.util.concurrent.ConcurrentHashMap<String, Transcript>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < 64; t++) {
                var name = "t" + t;
                pool.submit(() -> {
                    start.await();
                    results.put(name, base.plus(List.of(ChatMessage.user(name), ChatMessage.user(name + "'"))));
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(64, results.size());
        results.forEach((name, grown) -> {
            assertEquals(503, grown.size());
            assertEquals(name, grown.get(501).content());
            assertEquals(name + "'", grown.get(502).content());
            assertEquals(base, grown.subList(0, 501));
        });
        assertEquals(501, base.size());
        assertEquals("m501", built.get(501).content());
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
