package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.profile.control.ProfileSpec;
import dev.rafiki.tool.control.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRunsTest {

    final List<String> ran = new ArrayList<>();
    final AgentLoop.Tools tools = (name, arguments, stop) -> {
        ran.add(name);
        return ToolResult.ok("ran " + name);
    };

    static ProfileSpec allowing(List<String> names) {
        return new ProfileSpec(null, null, null, null, names, Map.of(), null, null, null, null, List.of());
    }

    @Test
    void aToolOutsideTheAllowListIsAnsweredWithAnErrorAndNotRun() {
        var guarded = AgentRuns.allowed(tools, allowing(List.of("read_file")));

        var refused = guarded.call(new ToolCall("c1", "run_shell", "{\"command\":\"rm -rf /\"}"), () -> false);
        var allowed = guarded.call(new ToolCall("c2", "read_file", "{}"), () -> false);

        assertTrue(refused.error());
        assertTrue(refused.content().contains("not allowed"), refused.content());
        assertFalse(allowed.error());
        assertEquals(List.of("read_file"), ran);
    }

    @Test
    void withoutAnAllowListEveryBuiltInToolRunsButNoMcpTool() {
        var guarded = AgentRuns.allowed(tools, ProfileSpec.NONE);

        var builtIn = guarded.call(new ToolCall("c1", "run_shell", "{}"), () -> false);
        var mcp = guarded.call(new ToolCall("c2", "docs.search", "{}"), () -> false);

        assertFalse(builtIn.error());
        assertTrue(mcp.error());
        assertEquals(List.of("run_shell"), ran);
    }

    @Test
    void anMcpToolRunsWhenTheAllowListNamesIt() {
        var guarded = AgentRuns.allowed(tools, allowing(List.of("docs.search")));

        assertFalse(guarded.call(new ToolCall("c1", "docs.search", "{}"), () -> false).error());
        assertTrue(guarded.call(new ToolCall("c2", "docs.fetch", "{}"), () -> false).error());
        assertEquals(List.of("docs.search"), ran);
    }
}
