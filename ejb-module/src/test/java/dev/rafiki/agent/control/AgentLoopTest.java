package dev.rafiki.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.ChatMessage.Role;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.EchoProvider;
import dev.rafiki.agent.model.ModelException;
import dev.rafiki.agent.model.ModelProvider;
import dev.rafiki.agent.model.ModelRequest;
import dev.rafiki.agent.model.ModelStreamListener;
import dev.rafiki.agent.model.ModelTurn;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.platform.text.StorableText;
import dev.rafiki.tool.control.ShellSandbox;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.tool.control.ToolSpec;
import dev.rafiki.tool.control.WorkspaceTools;
import dev.rafiki.workspace.control.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLoopTest {

    static final List<ToolSpec> SPECS = List.of(new ToolSpec("read_file", "read", "{\"type\":\"object\"}"));
    static final List<ChatMessage> HISTORY = List.of(ChatMessage.user("earlier"),
            ChatMessage.assistant("earlier answer", List.of()), ChatMessage.user("do it"));

    /** One scripted reply of the fake model. */
    interface Step {
        ModelTurn reply(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled) throws ModelException;
    }

    /** A model that replies from a script and remembers what it was asked. */
    static final class ScriptedProvider implements ModelProvider {
        final Deque<Step> script = new ArrayDeque<>();
        final List<ModelRequest> requests = new ArrayList<>();
        Step whenEmpty;

        ScriptedProvider then(Step step) {
            script.add(step);
            return this;
        }

        @Override
        public ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
                throws ModelException {
            requests.add(request);
            var step = script.isEmpty() ? whenEmpty : script.poll();
            if (step == null) {
                throw new AssertionError("the model was called more often than scripted");
            }
            return step.reply(request, listener, cancelled);
        }
    }

    /** Streams {@code text} in words, then answers it. */
    static Step answer(String text, long in, long out) {
        return (request, listener, cancelled) -> {
            for (var word : text.split("(?<= )")) {
                listener.textDelta(word);
            }
            return new ModelTurn(text, List.of(), "end", in, out);
        };
    }

    static Step calls(String text, long in, long out, ToolCall... calls) {
        return (request, listener, cancelled) -> {
            if (!text.isEmpty()) {
                listener.textDelta(text);
            }
            for (var call : calls) {
                listener.toolCallStarted(call.id(), call.name());
                listener.toolCallArgumentsDelta(call.id(), call.arguments());
            }
            return new ModelTurn(text, List.of(calls), "tool_calls", in, out);
        };
    }

    static Step fails(String streamed, ModelException e) {
        return (request, listener, cancelled) -> {
            if (!streamed.isEmpty()) {
                listener.textDelta(streamed);
            }
            throw e;
        };
    }

    /** Waits, as a real provider does, until {@code cancelled} says stop (at most 5 s), then gives up. */
    static Step waitsUntilStopped() {
        return (request, listener, cancelled) -> {
            listener.textDelta("thinking ");
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!cancelled.getAsBoolean()) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("the loop never signalled the provider to stop");
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            throw new ModelException("model-cancelled", "the model call was cancelled", false, null);
        };
    }

    record ToolInvocation(String name, String arguments) {
    }

    final ScriptedProvider provider = new ScriptedProvider();
    final List<ToolInvocation> invocations = new ArrayList<>();
    final List<String> deltas = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final ModelStreamListener listener = new ModelStreamListener() {
        @Override
        public void textDelta(String text) {
            deltas.add(text);
        }

        @Override
        public void toolCallStarted(String id, String name) {
            events.add("start " + id + " " + name);
        }

        @Override
        public void toolCallArgumentsDelta(String id, String fragment) {
            events.add("args " + id + " " + fragment);
        }
    };
    final AtomicBoolean cancelled = new AtomicBoolean();

    AgentLoop.Tools tools = (name, arguments, stop) -> {
        invocations.add(new ToolInvocation(name, arguments));
        return ToolResult.ok("result of " + name + " " + arguments);
    };

    static AgentLoop.Limits limits(int maxSteps, Duration maxWallTime) {
        return new AgentLoop.Limits(maxSteps, maxWallTime, 1234, Duration.ofSeconds(3), Duration.ofSeconds(4));
    }

    AgentLoop.Outcome run(int maxSteps, Duration maxWallTime) {
        return new AgentLoop(provider, "test-model", SPECS, tools, limits(maxSteps, maxWallTime))
                .run(HISTORY, listener, cancelled::get);
    }

    AgentLoop.Outcome run() {
        return run(10, Duration.ofSeconds(30));
    }

    @Test
    void finalAnswerWithoutTools() {
        provider.then(answer("the answer is 42", 11, 5));

        var outcome = run();

        assertNull(outcome.errorCode());
        assertNull(outcome.errorMessage());
        assertFalse(outcome.cancelled());
        assertEquals("the answer is 42", outcome.answer());
        assertEquals(List.of(ChatMessage.assistant("the answer is 42", List.of())), outcome.messages());
        assertEquals(11, outcome.inputTokens());
        assertEquals(5, outcome.outputTokens());
        assertEquals(0, outcome.toolCalls());
        assertEquals(1, outcome.steps());
        assertTrue(invocations.isEmpty());

        var request = provider.requests.get(0);
        assertEquals("test-model", request.model());
        assertEquals(HISTORY, request.messages());
        assertEquals(SPECS, request.tools());
        assertEquals(1234, request.maxTokens());
        assertEquals(Duration.ofSeconds(3), request.connectTimeout());
        assertEquals(Duration.ofSeconds(4), request.idleTimeout());
    }

    @Test
    void whatAModelOrAToolProducesLeavesTheLoopStorable() {
        // a model's JSON may carry \u0000 and a lone \ud800; a tool may print NUL bytes
        var call = new ToolCall("c\0", "read_file", "{\"path\":\"a\\u0000.txt\",\"note\":\"x\uD800\"}");
        provider.then(calls("look\0", 1, 1, call)).then((request, listener, stop) -> {
            listener.textDelta("done \uD83D");
            listener.textDelta("\uDE00 and \uDC00 and \0");
            return new ModelTurn("done \uD83D\uDE00 and \uDC00 and \0", List.of(), "end", 1, 1);
        });
        tools = (name, arguments, stop) -> {
            invocations.add(new ToolInvocation(name, arguments));
            return ToolResult.ok("bytes a\0b");
        };

        var outcome = run();

        assertEquals("done \uD83D\uDE00 and \uFFFD and \uFFFD", outcome.answer());
        assertEquals(List.of("look\uFFFD", "done ", "\uD83D\uDE00 and \uFFFD and \uFFFD"), deltas,
                "the pair split between two deltas stays whole; lone halves and NUL are replaced");
        assertEquals(List.of("start c\uFFFD read_file", "args c\uFFFD {\"path\":\"a\\u0000.txt\",\"note\":\"x\uFFFD\"}"),
                events, "a streamed fragment is JSON text: its escapes are harmless until decoded");
        var stored = outcome.messages().get(0).toolCalls().get(0);
        assertEquals("c\uFFFD", stored.id());
        assertEquals("{\"path\":\"a\uFFFD.txt\",\"note\":\"x\uFFFD\"}", stored.arguments());
        assertEquals(List.of(new ToolInvocation("read_file", stored.arguments())), invocations,
                "the tool decodes storable values");
        var result = outcome.messages().get(1);
        assertEquals("bytes a\uFFFDb", result.content());
        assertEquals("c\uFFFD", result.toolCallId());
        for (var message : outcome.messages()) {
            assertEquals(StorableText.of(message.content()), message.content());
        }
    }

    @Test
    void aModelErrorMessageIsStorable() {
        provider.then(fails("", new ModelException("model-bad-request", "the service said: \0\uD800", false, null)));
        var outcome = run();
        assertEquals("model-bad-request", outcome.errorCode());
        assertEquals("the service said: \uFFFD\uFFFD", outcome.errorMessage());
    }

    @Test
    void historyIsNotModified() {
        var history = new ArrayList<>(HISTORY);
        provider.then(calls("", 1, 1, new ToolCall("c1", "read_file", "{}"))).then(answer("done", 1, 1));
        new AgentLoop(provider, "m", SPECS, tools, limits(5, Duration.ofSeconds(30))).run(history, listener, () -> false);
        assertEquals(HISTORY, history);
    }

    @Test
    void toolCallThenAnswer() {
        var call = new ToolCall("call-1", "read_file", "{\"path\":\"a.txt\"}");
        provider.then(calls("let me look", 10, 4, call)).then(answer("it says hi", 30, 3));

        var outcome = run();

        assertNull(outcome.errorCode());
        assertEquals("it says hi", outcome.answer());
        var toolMessage = ChatMessage.toolResult("call-1", "result of read_file {\"path\":\"a.txt\"}", false);
        assertEquals(List.of(
                ChatMessage.assistant("let me look", List.of(call)),
                toolMessage,
                ChatMessage.assistant("it says hi", List.of())), outcome.messages());
        assertEquals(List.of(new ToolInvocation("read_file", "{\"path\":\"a.txt\"}")), invocations);
        assertEquals(1, outcome.toolCalls());
        assertEquals(2, outcome.steps());
        assertEquals(40, outcome.inputTokens());
        assertEquals(7, outcome.outputTokens());
        assertTrue(outcome.toolMillis() >= 0);

        // the second request carries the assistant's call and its result, after the history
        assertEquals(2, provider.requests.size());
        var second = provider.requests.get(1).messages();
        assertEquals(HISTORY, second.subList(0, HISTORY.size()));
        assertEquals(List.of(ChatMessage.assistant("let me look", List.of(call)), toolMessage),
                second.subList(HISTORY.size(), second.size()));
        assertEquals(Role.TOOL, second.get(second.size() - 1).role());
        assertEquals("call-1", second.get(second.size() - 1).toolCallId());
    }

    @Test
    void assistantTurnWithNullTextIsStoredAsEmpty() {
        var call = new ToolCall("c1", "read_file", "{}");
        provider.then((request, l, c) -> new ModelTurn(null, List.of(call), "tool_calls", 1, 1))
                .then(answer("ok", 1, 1));
        var outcome = run();
        assertEquals(ChatMessage.assistant("", List.of(call)), outcome.messages().get(0));
    }

    @Test
    void twoToolCallsInOneTurn() {
        var first = new ToolCall("c1", "read_file", "{\"path\":\"a\"}");
        var second = new ToolCall("c2", "write_file", "{\"path\":\"b\"}");
        tools = (name, arguments, stop) -> {
            invocations.add(new ToolInvocation(name, arguments));
            return name.equals("write_file") ? ToolResult.failed("disk full") : ToolResult.ok("aaa");
        };
        provider.then(calls("", 5, 5, first, second)).then(answer("done", 5, 5));

        var outcome = run();

        assertNull(outcome.errorCode());
        assertEquals(List.of(
                ChatMessage.assistant("", List.of(first, second)),
                ChatMessage.toolResult("c1", "aaa", false),
                ChatMessage.toolResult("c2", "disk full", true),
                ChatMessage.assistant("done", List.of())), outcome.messages());
        assertEquals(List.of(new ToolInvocation("read_file", "{\"path\":\"a\"}"),
                new ToolInvocation("write_file", "{\"path\":\"b\"}")), invocations);
        assertEquals(2, outcome.toolCalls());
        assertEquals(2, outcome.steps());
        var fedBack = provider.requests.get(1).messages();
        assertEquals(List.of("c1", "c2"), fedBack.subList(fedBack.size() - 2, fedBack.size()).stream()
                .map(ChatMessage::toolCallId).toList());
    }

    @Test
    void stepLimitStopsAModelThatNeverAnswers() {
        var counter = new int[1];
        provider.whenEmpty = (request, l, c) -> {
            counter[0]++;
            return new ModelTurn("", List.of(new ToolCall("c" + counter[0], "read_file", "{}")), "tool_calls", 2, 1);
        };

        var outcome = run(3, Duration.ofSeconds(30));

        assertEquals("step-limit", outcome.errorCode());
        assertNotNull(outcome.errorMessage());
        assertFalse(outcome.cancelled());
        assertEquals(3, outcome.steps());
        assertEquals(3, outcome.toolCalls());
        assertEquals(3, provider.requests.size());
        assertEquals(3, invocations.size());
        assertEquals(6, outcome.messages().size());
        assertEquals(6, outcome.inputTokens());
        assertEquals(3, outcome.outputTokens());
    }

    @Test
    void modelFailureKeepsTheTextStreamedBeforeIt() {
        provider.then(fails("half an ans", new ModelException("model-unavailable", "connection reset", true, null)));

        var outcome = run();

        assertEquals("model-unavailable", outcome.errorCode());
        assertEquals("connection reset", outcome.errorMessage());
        assertFalse(outcome.cancelled());
        assertEquals(List.of(ChatMessage.assistant("half an ans", List.of())), outcome.messages());
        assertEquals("half an ans", outcome.answer());
        assertEquals(1, outcome.steps());
    }

    @Test
    void modelFailureWithoutTextAddsNoMessage() {
        provider.then(fails("", new ModelException("model-unauthorized", "bad key", false, null)));
        var outcome = run();
        assertEquals("model-unauthorized", outcome.errorCode());
        assertEquals(List.of(), outcome.messages());
    }

    @Test
    void modelFailureAfterAToolCallKeepsTheWorkDone() {
        var call = new ToolCall("c1", "read_file", "{}");
        provider.then(calls("", 7, 2, call))
                .then(fails("partial", new ModelException("model-rate-limited", "slow down", true, Duration.ofSeconds(1))));

        var outcome = run();

        assertEquals("model-rate-limited", outcome.errorCode());
        assertEquals(2, outcome.steps());
        assertEquals(1, outcome.toolCalls());
        assertEquals(7, outcome.inputTokens());
        assertEquals(List.of(ChatMessage.assistant("", List.of(call)),
                ChatMessage.toolResult("c1", "result of read_file {}", false),
                ChatMessage.assistant("partial", List.of())), outcome.messages());
    }

    @Test
    void cancellationDuringTheModelCall() throws Exception {
        provider.then(waitsUntilStopped());
        var canceller = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                // the test ends anyway
            }
            cancelled.set(true);
        });
        canceller.start();

        var outcome = run();
        canceller.join();

        assertEquals("cancelled", outcome.errorCode());
        assertTrue(outcome.cancelled());
        assertEquals(List.of(ChatMessage.assistant("thinking ", List.of())), outcome.messages());
    }

    @Test
    void wallTimeLimitDuringTheModelCall() {
        provider.then(waitsUntilStopped());
        long start = System.nanoTime();

        var outcome = run(10, Duration.ofMillis(200));

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("time-limit", outcome.errorCode());
        assertFalse(outcome.cancelled());
        assertNotNull(outcome.errorMessage());
        assertTrue(millis >= 190 && millis < 2000, "took " + millis + " ms");
    }

    @Test
    void cancellationDuringAToolStopsBeforeTheNextToolAndTheNextModelCall() {
        var first = new ToolCall("c1", "read_file", "{}");
        var second = new ToolCall("c2", "read_file", "{\"path\":\"x\"}");
        var seenByTool = new ArrayList<Boolean>();
        tools = (name, arguments, stop) -> {
            invocations.add(new ToolInvocation(name, arguments));
            seenByTool.add(stop.getAsBoolean());
            cancelled.set(true);
            seenByTool.add(stop.getAsBoolean());
            return ToolResult.failed("cancelled by the user");
        };
        provider.then(calls("", 1, 1, first, second));

        var outcome = run();

        assertEquals("cancelled", outcome.errorCode());
        assertEquals(List.of(false, true), seenByTool, "the tool's stop signal follows the cancellation");
        assertEquals(1, invocations.size(), "the second call must not run");
        assertEquals(1, provider.requests.size());
        assertEquals(1, outcome.steps());
        assertEquals(2, outcome.toolCalls());
        var results = outcome.messages().subList(1, 3);
        assertEquals(ChatMessage.toolResult("c1", "cancelled by the user", true), results.get(0));
        assertEquals("c2", results.get(1).toolCallId());
        assertTrue(results.get(1).isError());
        assertTrue(results.get(1).content().contains("not run"), results.get(1).content());
    }

    @Test
    void wallTimeLimitDuringATool() {
        tools = (name, arguments, stop) -> {
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!stop.getAsBoolean() && System.nanoTime() < until) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ToolResult.failed("stopped");
        };
        provider.then(calls("", 1, 1, new ToolCall("c1", "run_shell", "{}")));
        long start = System.nanoTime();

        var outcome = run(10, Duration.ofMillis(200));

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("time-limit", outcome.errorCode());
        assertTrue(millis < 2000, "took " + millis + " ms");
        assertEquals(1, provider.requests.size());
    }

    @Test
    void toolCallsOfATurnThatEndsAfterTheWallTimeAreNotRun() {
        provider.then((request, l, c) -> {
            try {
                Thread.sleep(300); // a provider that ignores the stop signal
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ModelTurn("", List.of(new ToolCall("c1", "read_file", "{}")), "tool_calls", 1, 1);
        });

        var outcome = run(10, Duration.ofMillis(100));

        assertEquals("time-limit", outcome.errorCode());
        assertTrue(invocations.isEmpty());
        var result = outcome.messages().get(1);
        assertEquals("c1", result.toolCallId());
        assertTrue(result.isError());
    }

    @Test
    void listenerReceivesTextDeltasAndToolCallEvents() {
        var call = new ToolCall("c1", "read_file", "{\"path\":\"a\"}");
        provider.then(calls("looking", 1, 1, call)).then(answer("all done here", 1, 1));

        run();

        assertEquals(List.of("looking", "all ", "done ", "here"), deltas);
        assertEquals(List.of("start c1 read_file", "args c1 {\"path\":\"a\"}"), events);
    }

    @Test
    void endToEndWithEchoProviderAndWorkspaceTools(@TempDir Path temp) throws Exception {
        var workspace = new Workspace(temp.resolve("ws"));
        var workspaceTools = new WorkspaceTools(workspace, ShellSandbox.none(),
                new WorkspaceTools.Limits(1024, 1024, 1024, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        var loop = new AgentLoop(new EchoProvider(), "echo", WorkspaceTools.SPECS, workspaceTools::call,
                limits(5, Duration.ofSeconds(30)));

        var outcome = loop.run(List.of(ChatMessage.user("/tool write_file {\"path\":\"n.txt\",\"content\":\"hi\"}")),
                listener, () -> false);

        assertNull(outcome.errorCode(), outcome::errorMessage);
        assertEquals("hi", Files.readString(workspace.root().resolve("n.txt")));
        assertEquals("echo: write_file returned: wrote 2 bytes to n.txt", outcome.answer());
        assertEquals(2, outcome.steps());
        assertEquals(1, outcome.toolCalls());
        assertEquals(3, outcome.messages().size());
        var callId = outcome.messages().get(0).toolCalls().get(0).id();
        assertEquals(callId, outcome.messages().get(1).toolCallId());
        assertEquals(String.join("", deltas), outcome.answer());
    }

    @Test
    void endToEndToolFailureIsReportedToTheModel(@TempDir Path temp) throws Exception {
        var workspace = new Workspace(temp.resolve("ws"));
        var workspaceTools = new WorkspaceTools(workspace, ShellSandbox.none(),
                new WorkspaceTools.Limits(1024, 1024, 1024, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        var loop = new AgentLoop(new EchoProvider(), "echo", WorkspaceTools.SPECS, workspaceTools::call,
                limits(5, Duration.ofSeconds(30)));

        var outcome = loop.run(List.of(ChatMessage.user("/tool read_file {\"path\":\"../escape.txt\"}")),
                listener, () -> false);

        assertNull(outcome.errorCode());
        assertTrue(outcome.messages().get(1).isError());
        assertTrue(outcome.answer().startsWith("echo: read_file failed: the path leaves the workspace"), outcome.answer());
    }

    @Test
    void theProfilesInstructionsAndTemperatureGoWithEveryTurn() {
        provider.then(calls("", 1, 1, new ToolCall("c1", "read_file", "{}"))).then(answer("ok", 1, 1));

        var outcome = new AgentLoop(provider, "test-model", SPECS, tools, limits(10, Duration.ofSeconds(30)),
                new AgentLoop.Setup("You are terse.", 0.25)).run(HISTORY, listener, cancelled::get);

        assertNull(outcome.errorCode());
        assertEquals(2, provider.requests.size());
        for (var request : provider.requests) {
            assertEquals("You are terse.", request.system());
            assertEquals(0.25, request.temperature());
        }
    }

    @Test
    void withoutASetupThereIsNoSystemPrompt() {
        provider.then(answer("ok", 1, 1));

        run();

        assertNull(provider.requests.get(0).system());
        assertNull(provider.requests.get(0).temperature());
    }

    @Test
    void aSpentTokenBudgetEndsTheRunBeforeItsToolsRun() {
        provider.then(calls("", 60, 50, new ToolCall("c1", "read_file", "{}")));

        var outcome = new AgentLoop(provider, "test-model", SPECS, tools,
                new AgentLoop.Limits(10, Duration.ofSeconds(30), 1234, Duration.ofSeconds(3), Duration.ofSeconds(4), 100))
                .run(HISTORY, listener, cancelled::get);

        assertEquals("token-limit", outcome.errorCode());
        assertEquals(110, outcome.inputTokens() + outcome.outputTokens());
        assertTrue(invocations.isEmpty(), invocations.toString());
    }

    @Test
    void aBudgetNotYetSpentLetsTheRunGoOn() {
        provider.then(calls("", 40, 50, new ToolCall("c1", "read_file", "{}"))).then(answer("fine", 1, 1));

        var outcome = new AgentLoop(provider, "test-model", SPECS, tools,
                new AgentLoop.Limits(10, Duration.ofSeconds(30), 1234, Duration.ofSeconds(3), Duration.ofSeconds(4), 100))
                .run(HISTORY, listener, cancelled::get);

        assertNull(outcome.errorCode());
        assertEquals("fine", outcome.answer());
        assertEquals(1, invocations.size());
    }

    @Test
    void aSpentBudgetStopsTheRunBeforeItsNextModelTurnAndKeepsWhatItProduced() {
        provider.then(calls("looking ", 40, 50, new ToolCall("c1", "read_file", "{}")));
        var asked = new ArrayList<String>();
        AgentLoop.Budget budget = (tokens, toolMillis) -> {
            asked.add(tokens + "/" + invocations.size());
            return tokens >= 90 ? "spent" : null;
        };

        var outcome = new AgentLoop(provider, "test-model", SPECS, tools, limits(10, Duration.ofSeconds(30)),
                AgentLoop.Setup.NONE, budget).run(HISTORY, listener, cancelled::get);

        assertEquals(AgentLoop.BUDGET_EXCEEDED, outcome.errorCode());
        assertEquals("spent", outcome.errorMessage());
        assertEquals(List.of("0/0", "90/1"), asked, "asked before each turn, with the run's tokens so far");
        assertEquals(1, provider.requests.size(), "no second turn");
        assertEquals(1, invocations.size(), "the tools of the turn that crossed it ran");
        assertEquals(2, outcome.messages().size(), "the assistant turn and its tool result are kept");
        assertEquals(90, outcome.inputTokens() + outcome.outputTokens());
        assertEquals(1, outcome.steps());
    }

    @Test
    void aBudgetSpentBeforeTheRunStartsCallsNoModel() {
        var outcome = new AgentLoop(provider, "test-model", SPECS, tools, limits(10, Duration.ofSeconds(30)),
                AgentLoop.Setup.NONE, (tokens, toolMillis) -> "spent").run(HISTORY, listener, cancelled::get);

        assertEquals(AgentLoop.BUDGET_EXCEEDED, outcome.errorCode());
        assertTrue(provider.requests.isEmpty());
        assertEquals(0, outcome.steps());
    }
}
