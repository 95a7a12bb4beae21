package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.NewSession;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long conversations through {@code POST /query}: every model request stays within the model's
 * context window, checked on what the wire-accurate fake providers received, and the echo model
 * tells what it was sent. Through the Java client.
 */
class LongConversationsIT {

    /** The window of smallgpt/… and smallclaude/… less the answer's reserve (max-tokens 4096, capped at half). */
    static final long BUDGET = SharedServer.SMALL_CONTEXT_TOKENS / 2;

    static FakeModelProviders models;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        var server = SharedServer.get();
        models = SharedServer.models();
        rafiki = server.client("long-user");
    }

    @AfterAll
    static void stop() {
        rafiki.close();
    }

    static UUID session(String model) {
        return rafiki.sessions().create(NewSession.empty().withModel(model)).id();
    }

    /** The answer of a prompt in the session. */
    static String ask(UUID sessionId, String prompt) {
        return rafiki.query(QueryRequest.of(prompt).inSession(sessionId)).answer();
    }

    /** Characters a request carries in its messages (text, tool calls): the server estimates 4 a token. */
    static long chars(JsonObject request) {
        long chars = request.containsKey("system") ? request.get("system").toString().length() : 0;
        for (var value : request.getJsonArray("messages")) {
            chars += value.asJsonObject().get("content").toString().length();
            if (value.asJsonObject().containsKey("tool_calls")) {
                chars += value.asJsonObject().get("tool_calls").toString().length();
            }
        }
        return chars;
    }

    static boolean mine(JsonObject request, String tag) {
        return request.getJsonArray("messages").toString().contains(tag);
    }

    @Test
    void aThousandTurnsKeepWorkingAndEveryRequestStaysInTheWindow() {
        var tag = "long-" + UUID.randomUUID().toString().substring(0, 8);
        var sessionId = session("smallgpt/gpt-4o-mini");
        long started = System.nanoTime();
        long[] hundreds = new long[10];
        for (int i = 1; i <= 1000; i++) {
            long turn = System.nanoTime();
            assertEquals("openai says: turn " + i + " of " + tag, ask(sessionId, "turn " + i + " of " + tag));
            hundreds[(i - 1) / 100] += System.nanoTime() - turn;
        }
        System.out.printf("1,000 turns through POST /query and the fake OpenAI service: %d ms; per 100 turns: %s ms%n",
                (System.nanoTime() - started) / 1_000_000,
                java.util.Arrays.stream(hundreds).mapToObj(n -> Long.toString(n / 1_000_000)).toList());
        var requests = models.openAiRequests.stream().filter(r -> mine(r, tag)).toList();
        assertEquals(1000, requests.size());
        for (var request : requests) {
            assertTrue(chars(request) <= BUDGET * 4, chars(request) + " characters sent, over " + BUDGET + " tokens");
        }
        var last = requests.get(requests.size() - 1).getJsonArray("messages");
        var system = last.getJsonObject(0);
        assertEquals("system", system.getString("role"), "the instructions come first");
        assertTrue(system.getString("content").matches("\\[\\d+ earlier messages of this conversation were omitted.*"),
                system.getString("content"));
        assertEquals("user", last.getJsonObject(1).getString("role"), "whole turns are dropped: the first kept opens one");
        assertEquals("turn 1000 of " + tag, last.getJsonObject(last.size() - 1).getString("content"));
        assertEquals("openai says: turn 999 of " + tag, last.getJsonObject(last.size() - 2).getString("content"),
                "the latest turn is kept");
        int omitted = Integer.parseInt(system.getString("content").replaceAll("^\\[(\\d+) .*", "$1"));
        assertEquals(2000 - 1, omitted + last.size() - 1, "what was sent and what was omitted make the whole history");

        assertEquals(2000, rafiki.sessions().get(sessionId).messageCount(), "the history itself is kept whole");
    }

    @Test
    void anthropicRequestsAreFittedToo() {
        var tag = "long-" + UUID.randomUUID().toString().substring(0, 8);
        var sessionId = session("smallclaude/claude-sonnet-4-5");
        for (int i = 1; i <= 150; i++) {
            assertEquals("anthropic says: turn " + i + " of " + tag,
                    ask(sessionId, "turn " + i + " of " + tag));
        }
        var requests = models.anthropicRequests.stream().filter(r -> mine(r, tag)).toList();
        assertEquals(150, requests.size());
        for (var request : requests) {
            assertTrue(chars(request) <= BUDGET * 4, chars(request) + " characters sent");
            assertEquals("user", request.getJsonArray("messages").getJsonObject(0).getString("role"),
                    "Anthropic takes a conversation that opens with the user");
        }
        var last = requests.get(requests.size() - 1);
        assertTrue(last.get("system").toString().contains("earlier messages of this conversation were omitted"),
                last.get("system").toString());
        var messages = last.getJsonArray("messages");
        assertEquals("turn 150 of " + tag, text(messages.getJsonObject(messages.size() - 1)));
    }

    static String text(JsonObject message) {
        var content = message.get("content");
        return content instanceof jakarta.json.JsonString s ? s.getString()
                : message.getJsonArray("content").getJsonObject(0).getString("text");
    }

    /** Offline: long answers of the echo model overflow the default window, and /context says what it was sent. */
    @Test
    void theEchoModelShowsWhatTheWindowKept() {
        var sessionId = rafiki.sessions().create().id();
        assertEquals("echo: context of 1 messages, 0 earlier omitted", ask(sessionId, "/context"));
        for (int i = 0; i < 12; i++) {
            // 10,000 words of about 7 characters: some 17,000 estimated tokens each, the window is 128,000
            assertTrue(ask(sessionId, "/words 10000").endsWith(" w10000"));
        }
        var answer = ask(sessionId, "/context");
        var counts = answer.replaceAll("echo: context of (\\d+) messages, (\\d+) earlier omitted", "$1 $2").split(" ");
        int sent = Integer.parseInt(counts[0]);
        int omitted = Integer.parseInt(counts[1]);
        assertTrue(omitted > 0 && omitted % 2 == 0, "whole turns were left out: " + answer);
        assertEquals(2 + 2 * 12 + 1, sent + omitted, answer);
        // 128,000 less the 4,096 reserved for the answer: 8 of the long turns, and the question
        assertEquals("echo: context of 17 messages, 10 earlier omitted", answer);
        assertEquals(28, rafiki.sessions().messages(sessionId).size(), "the history keeps them all");
        rafiki.sessions().delete(sessionId);
    }
}
