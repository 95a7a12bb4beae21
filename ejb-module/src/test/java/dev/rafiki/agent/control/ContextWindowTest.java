package dev.rafiki.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.ChatMessage.Role;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.EchoProvider;
import dev.rafiki.agent.model.ModelRequest;
import dev.rafiki.agent.model.ModelStreamListener;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.agent.model.Transcript;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.tool.control.ToolSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ContextWindowTest {

    static final List<ToolSpec> TOOLS = List.of(new ToolSpec("read_file", "reads a file", "{\"type\":\"object\"}"));

    /** {@code turns} turns of a user question and an answer, each message 40 characters (10 tokens + 4). */
    static List<ChatMessage> turns(int turns) {
        var conversation = new ArrayList<ChatMessage>();
        for (int i = 0; i < turns; i++) {
            conversation.add(ChatMessage.user(String.format("question %030d", i)));
            conversation.add(ChatMessage.assistant(String.format("answer   %030d", i), List.of()));
        }
        return conversation;
    }

    static long tokens(ContextWindow.Fitted fitted) {
        return ContextWindow.tokens(fitted.system()) + fitted.messages().stream().mapToLong(ContextWindow::tokens).sum()
               + TOOLS.stream().mapToLong(t -> ContextWindow.tokens(t.name()) + ContextWindow.tokens(t.description())
                                              + ContextWindow.tokens(t.parametersSchema()) + ContextWindow.MESSAGE_OVERHEAD).sum();
    }

    @Test
    void aConversationThatFitsIsSentWhole() {
        var conversation = turns(3);
        conversation.add(ChatMessage.user("now"));
        var fitted = new ContextWindow(10_000, 1_000).fit("be brief", TOOLS, conversation);
        assertSame(conversation, fitted.messages());
        assertEquals("be brief", fitted.system());
        assertEquals(0, fitted.omitted());
    }

    @Test
    void aSessionsTranscriptIsFittedAsTheSameMessagesInAPlainListAre() {
        var window = new ContextWindow(1_000, 200);
        for (int turns : new int[] {3, 20, 1000}) {
            var plain = turns(turns);
            plain.add(ChatMessage.user("the new question"));
            var transcript = Transcript.of(plain);
            var fromList = window.fit("be brief", TOOLS, plain);
            var fromTranscript = window.fit("be brief", TOOLS, transcript);
            assertEquals(fromList, fromTranscript, turns + " turns");
            if (fromList.omitted() == 0) {
                assertSame(transcript, fromTranscript.messages(), "sent whole, as it is");
            }
        }
    }

    @Test
    void theOldestTurnsAreDroppedFirstAndTheRequestStaysUnderTheBudget() {
        var conversation = turns(1000);
        conversation.add(ChatMessage.user("the new question"));
        var window = new ContextWindow(1_000, 200);
        var fitted = window.fit("be brief", TOOLS, conversation);

        assertTrue(tokens(fitted) <= window.budget(), tokens(fitted) + " tokens over a budget of " + window.budget());
        var sent = fitted.messages();
        assertEquals("the new question", sent.get(sent.size() - 1).content());
        assertEquals(String.format("answer   %030d", 999), sent.get(sent.size() - 2).content(), "the latest turn is kept");
        assertEquals(Role.USER, sent.get(0).role(), "whole turns: the first message sent opens one");
        assertTrue(sent.size() > 40, "the budget is used, not left empty: " + sent.size());
        assertEquals(conversation.size() - sent.size(), fitted.omitted());
        assertTrue(fitted.system().startsWith("be brief\n\n"), "the instructions come first");
        assertTrue(fitted.system().endsWith(ModelRequest.omissionNote(fitted.omitted())), fitted.system());
    }

    @Test
    void theAnswersReserveIsAtMostHalfTheWindow() {
        assertEquals(800, new ContextWindow(1_000, 200).budget());
        assertEquals(500, new ContextWindow(1_000, 4_096).budget());
    }

    @Test
    void aToolCallIsNeverSentWithoutItsResultsNorAResultWithoutItsCall() {
        var conversation = turns(50);
        conversation.add(ChatMessage.user("read many files"));
        for (int i = 0; i < 40; i++) {
            conversation.add(ChatMessage.assistant("", List.of(new ToolCall("c" + i, "read_file", "{\"path\":\"f" + i + "\"}"),
                    new ToolCall("d" + i, "read_file", "{\"path\":\"g" + i + "\"}"))));
            conversation.add(ChatMessage.toolResult("c" + i, "x".repeat(200), false));
            conversation.add(ChatMessage.toolResult("d" + i, "y".repeat(200), false));
        }
        // many windows, so that some cut falls inside a turn's calls and results
        for (int size = 1_500; size < 2_500; size += 7) {
            var window = new ContextWindow(size, 500);
            var fitted = window.fit(null, TOOLS, conversation);
            var sent = fitted.messages();
            assertTrue(tokens(fitted) <= window.budget());
            assertEquals("read many files", sent.get(0).content(), "the current turn's question is always sent, first");
            assertEquals("d39", sent.get(sent.size() - 1).toolCallId(), "the latest results are kept");
            var calls = new ArrayList<String>();
            for (var message : sent) {
                message.toolCalls().forEach(call -> calls.add(call.id()));
                if (message.role() == Role.TOOL) {
                    assertTrue(calls.remove(message.toolCallId()), "a result sent without its call: " + message.toolCallId());
                }
            }
            assertEquals(List.of(), calls, "calls sent without their results");
            assertTrue(fitted.system().startsWith("[") && fitted.omitted() > 100, fitted.system());
        }
    }

    @Test
    void theLastUnitIsSentEvenWhenItAloneIsOverTheBudget() {
        var conversation = turns(5);
        conversation.add(ChatMessage.user("z".repeat(10_000)));
        var fitted = new ContextWindow(1_000, 0).fit(null, TOOLS, conversation);
        assertEquals(1, fitted.messages().size());
        assertEquals(10, fitted.omitted());
    }

    /** Through the loop: every turn's request of a 1,000-turn conversation is fitted, what the model saw is told back. */
    @Test
    void theLoopFitsEveryRequestOfALongConversation() {
        var requests = new ArrayList<ModelRequest>();
        var echo = new EchoProvider();
        var loop = new AgentLoop((request, listener, cancelled) -> {
            requests.add(request);
            return echo.complete(request, listener, cancelled);
        }, "echo", TOOLS, new AgentLoop.Tools() {
            @Override
            public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
                return ToolResult.ok("content of " + arguments);
            }
        }, new AgentLoop.Limits(8, Duration.ofMinutes(1), 100, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .context(new ContextWindow(600, 100));
        var history = new ArrayList<ChatMessage>();
        var quiet = ModelStreamListener.NONE;
        for (int i = 0; i < 1000; i++) {
            history.add(ChatMessage.user(i % 10 == 0 ? "/tool read_file {\"path\":\"" + i + "\"}" : "turn " + i));
            var outcome = loop.run(history, quiet, () -> false);
            assertEquals(null, outcome.errorCode());
            history.addAll(outcome.messages());
        }
        history.add(ChatMessage.user("/context"));
        var answer = loop.run(history, quiet, () -> false).answer();
        var last = requests.get(requests.size() - 1);
        assertEquals("echo: context of " + last.messages().size() + " messages, "
                     + (history.size() - last.messages().size()) + " earlier omitted", answer);
        for (var request : requests) {
            long tokens = ContextWindow.tokens(request.system()) + request.messages().stream().mapToLong(ContextWindow::tokens).sum();
            assertTrue(tokens <= 500, tokens + " tokens sent");
        }
    }
}
