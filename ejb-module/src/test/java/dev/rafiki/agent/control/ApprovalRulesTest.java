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

    static ToolCall call(String name, String arguments) {
        return new ToolCall("c-" + name, name, arguments);
    }

    static Map<String, ApprovalRule> rules(String json) {
        return ApprovalRules.stored(json);
    }

    static ApprovalRules of(String json) {
        return ApprovalRules.of(rules(json), tool -> true);
    }

    @Test
    void alwaysWaitsNeverAndUnnamedToolsRunAtOnce() {
        var rules = of("{\"write_file\": \"always\", \"run_shell\": \"never\"}");
        assertTrue(rules.required(call("write_file")));
        assertFalse(rules.required(call("run_shell")));
        assertFalse(rules.required(call("read_file")));
        assertTrue(rules.any());
    }

    @Test
    void withoutRulesOrWithOnlyNeverNothingWaits() {
        assertFalse(ApprovalRules.of(null, tool -> true).any());
        assertFalse(of("{}").required(call("write_file")));
        var never = of("{\"write_file\": \"never\"}");
        assertFalse(never.any());
        assertFalse(never.required(call("write_file")));
    }

    @Test
    void aToolTheProfileDoesNotAllowIsRefusedNotAskedAbout() {
        var allowed = Set.of("read_file");
        var rules = ApprovalRules.of(rules("{\"write_file\": \"always\"}"), allowed::contains);
        assertFalse(rules.required(call("write_file")));
    }

    @Test
    void unlessRunsAtOnceOnlyWhenTheArgumentMatches() {
        var rules = of("{\"write_file\": {\"unless\": {\"path\": \"drafts/**\"}}}");
        assertTrue(rules.any());
        assertFalse(rules.required(call("write_file", "{\"path\": \"drafts/a.md\", \"content\": \"x\"}")));
        assertFalse(rules.required(call("write_file", "{\"path\": \"drafts/deep/er/a.md\"}")));
        assertFalse(rules.required(call("write_file", "{\"path\": \"./drafts//a.md\"}")), "matched normalised");
        assertTrue(rules.required(call("write_file", "{\"path\": \"notes/a.md\"}")));
        assertTrue(rules.required(call("write_file", "{\"path\": \"drafts-old/a.md\"}")));
        assertFalse(rules.required(call("read_file", "{\"path\": \"notes/a.md\"}")), "another tool's calls");
    }

    @Test
    void unlessFailsClosed() {
        var rules = of("{\"write_file\": {\"unless\": {\"path\": \"drafts/**\"}}}");
        for (var arguments : List.of("{}", "{\"path\": 7}", "{\"path\": null}", "{\"path\": [\"drafts/a\"]}",
                "{\"path\": \"drafts/../x\"}", "{\"path\": \"drafts/../drafts/a\"}", "{\"path\": \"/drafts/a\"}",
                "{\"path\": \"drafts\\\\a\"}", "{\"path\": \"drafts/a\\u0000b\"}", "{\"path\": \"notes/x\", \"path\": \"drafts/a\"}", "not json", "[1]", "", "{\"path\": \""
                        + "drafts/".repeat(1000) + "a\"}")) {
            assertTrue(rules.required(call("write_file", arguments)), arguments);
        }
    }

    @Test
    void ifWaitsOnlyWhenTheArgumentMatchesAndFailsClosed() {
        var rules = of("{\"read_file\": {\"if\": {\"path\": \"secrets/**\"}}}");
        assertTrue(rules.required(call("read_file", "{\"path\": \"secrets/key.pem\"}")));
        assertTrue(rules.required(call("read_file", "{\"path\": \"secrets\"}")), "** takes no segment too");
        assertFalse(rules.required(call("read_file", "{\"path\": \"notes/a.md\"}")));
        assertFalse(rules.required(call("read_file", "{\"path\": \"notes/secrets/a\"}")));
        for (var arguments : List.of("{}", "{\"path\": 7}", "{\"path\": \"notes/../secrets/a\"}",
                "{\"path\": \"notes/../x\"}", "{\"path\": \"/etc/passwd\"}", "{\"path\": \"secrets\\\\a\"}", "garbage")) {
            assertTrue(rules.required(call("read_file", arguments)), arguments);
        }
    }

    @Test
    void everyArgumentOfARuleCounts() {
        var unless = of("{\"write_file\": {\"unless\": {\"path\": \"drafts/*\", \"mode\": \"append\"}}}");
        assertFalse(unless.required(call("write_file", "{\"path\": \"drafts/a\", \"mode\": \"append\"}")));
        assertTrue(unless.required(call("write_file", "{\"path\": \"drafts/a\", \"mode\": \"overwrite\"}")));
        assertTrue(unless.required(call("write_file", "{\"path\": \"drafts/a\"}")));
        var onlyIf = of("{\"write_file\": {\"if\": {\"path\": \"src/**\", \"mode\": \"overwrite\"}}}");
        assertTrue(onlyIf.required(call("write_file", "{\"path\": \"src/a\", \"mode\": \"overwrite\"}")));
        assertFalse(onlyIf.required(call("write_file", "{\"path\": \"src/a\", \"mode\": \"append\"}")));
        assertTrue(onlyIf.required(call("write_file", "{\"path\": \"src/a\"}")), "a missing argument matches an if");
    }

    @Test
    void aRequestAddsWaitsButNeverTakesOneAway() {
        var profile = rules("{\"run_shell\": \"always\", \"write_file\": {\"unless\": {\"path\": \"drafts/**\"}}}");
        var request = rules("{\"run_shell\": \"never\", \"write_file\": \"always\", "
                + "\"read_file\": {\"if\": {\"path\": \"secrets/**\"}}}");
        var both = ApprovalRules.of(profile, request, tool -> true);
        assertTrue(both.required(call("run_shell", "{\"command\": \"ls\"}")), "never on the request does not loosen");
        assertTrue(both.required(call("write_file", "{\"path\": \"drafts/a\"}")), "always on the request tightens");
        assertTrue(both.required(call("read_file", "{\"path\": \"secrets/a\"}")));
        assertFalse(both.required(call("read_file", "{\"path\": \"notes/a\"}")));
        assertFalse(both.required(call("list_files", "{}")));

        var requestOnly = ApprovalRules.of(null, rules("{\"write_file\": \"always\"}"), tool -> true);
        assertTrue(requestOnly.any());
        assertTrue(requestOnly.required(call("write_file")));
        assertFalse(ApprovalRules.of(null, rules("{\"write_file\": \"never\"}"), tool -> true).any());
        assertFalse(ApprovalRules.of(rules("{\"write_file\": \"always\"}"), request, tool -> false).required(call("write_file")),
                "a tool the profile does not allow is refused, whatever the request says");
    }

    @Test
    void rulesAreStoredInTheFormTheyAreShown() {
        var text = "{\"write_file\":{\"unless\":{\"path\":\"drafts/**\"}},\"run_shell\":\"always\"}";
        assertEquals(text, ApprovalRules.toJson(rules(text)).toString());
        assertEquals(Map.of(), ApprovalRules.stored(null));
    }

    final AgentLoopTest.ScriptedProvider provider = new AgentLoopTest.ScriptedProvider();
    final List<String> ran = new ArrayList<>();
    final AgentLoop.Tools tools = (name, arguments, stop) -> {
        ran.add(name + " " + arguments);
        return ToolResult.ok("ok " + name);
    };

    AgentLoop loop() {
        return new AgentLoop(provider, "m", AgentLoopTest.SPECS, tools, AgentLoopTest.limits(8, Duration.ofSeconds(30)))
                .approvals(of("{\"write_file\": \"always\"}"));
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
