package dev.rafiki.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ModelTurn;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.tool.control.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The approval rules, and how the agent loop pauses before a call they name and resumes after the decision. */
class ApprovalRulesTest {

    static ToolCall call(String name) {
        return new ToolCall("c-" + name, name, "{\"path\":\"a.txt\"}");
    }

    @Test
    void alwaysWaitsNeverAndUnnamedToolsRunAtOnce() {
        var rules = ApprovalRules.of(Map.of("write_file", "always", "run_shell", "never"), tool -> true);
        assertTrue(rules.required(call("write_file")));
        assertFalse(rules.required(call("run_shell")));
        assertFalse(rules.required(call("read_file")));
        assertTrue(rules.any());
    }

    @Test
    void withoutRulesOrWithOnlyNeverNothingWaits() {
        assertFalse(ApprovalRules.of(null, tool -> true).any());
        assertFalse(ApprovalRules.of(Map.of(), tool -> true).required(call("write_file")));
        var never = ApprovalRules.of(Map.of("write_file", "never"), tool -> true);
        assertFalse(never.any());
        assertFalse(never.required(call("write_file")));
    }

    @Test
    void aToolTheProfileDoesNotAllowIsRefusedNotAskedAbout() {
        var allowed = Set.of("read_file");
        var rules = ApprovalRules.of(Map.of("write_file", "always"), allowed::contains);
        assertFalse(rules.required(call("write_file")));
    }

    final AgentLoopTest.ScriptedProvider provider = new AgentLoopTest.ScriptedProvider();
    final List<String> ran = new ArrayList<>();
    final AgentLoop.Tools tools = (name, arguments, stop) -> {
        ran.add(name + " " + arguments);
        return ToolResult.ok("ok " + name);
    };

    AgentLoop loop() {
        return new AgentLoop(provider, "m", AgentLoopTest.SPECS, tools, AgentLoopTest.limits(8, Duration.ofSeconds(30)))
                .approvals(ApprovalRules.of(Map.of("write_file", "always"), tool -> true));
    }

    @Test
    void theLoopPausesBeforeAnyCallOfATurnThatHasOneWaiting() {
        provider.then(AgentLoopTest.calls("", 3, 2, call("read_file"), call("write_file")));
        var outcome = loop().run(List.of(ChatMessage.user("go")), new dev.rafiki.agent.model.ModelStreamListener() { }, () -> false);
        assertTrue(outcome.waiting());
        assertEquals(List.of(call("write_file")), outcome.awaiting());
        assertEquals(List.of(), ran, "nothing of the turn ran");
        assertEquals(1, outcome.messages().size());
        assertEquals(2, outcome.messages().get(0).toolCalls().size());
        assertEquals(5, outcome.inputTokens() + outcome.outputTokens());
    }

    @Test
    void aResumedRunRunsTheDecidedTurnThenAsksTheModelOnce() {
        provider.then((request, listener, cancelled) -> {
            var last = request.messages().get(request.messages().size() - 1);
            assertEquals(ChatMessage.Role.TOOL, last.role());
            return new ModelTurn("finished", List.of(), "end", 1, 1);
        });
        var asking = ChatMessage.assistant("", List.of(call("read_file"), call("write_file"), call("edit_me")));
        var decisions = Map.of("c-write_file", new AgentLoop.Decision(false, null, "not today"),
                "c-edit_me", new AgentLoop.Decision(true, "{\"path\":\"b.txt\"}", null));
        var outcome = loop().run(List.of(ChatMessage.user("go"), asking),
                new AgentLoop.Resume(asking.toolCalls(), decisions), new dev.rafiki.agent.model.ModelStreamListener() { }, () -> false);
        assertNull(outcome.errorCode());
        assertEquals("finished", outcome.answer());
        assertEquals(List.of("read_file {\"path\":\"a.txt\"}", "edit_me {\"path\":\"b.txt\"}"), ran);
        var denied = outcome.messages().get(1);
        assertTrue(denied.isError());
        assertTrue(denied.content().contains("denied") && denied.content().contains("not today"), denied.content());
        assertEquals(1, provider.requests.size(), "the turn that waited is not asked for again");
        assertEquals(4, outcome.messages().size(), "three results and the answer");
    }
}
