package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.tool.control.ToolSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireToolNamesTest {

    static final java.util.regex.Pattern OPENAI = java.util.regex.Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    @Test
    void builtInNamesStayAsTheyAre() {
        assertEquals("read_file", WireToolNames.wire("read_file"));
        assertEquals("save-artifact", WireToolNames.wire("save-artifact"));
    }

    @Test
    void mcpNamesBecomeWhatProvidersAccept() {
        assertEquals("docs__search", WireToolNames.wire("docs.search"));
        assertEquals("docs__get_page_v2", WireToolNames.wire("docs.get page/v2"));
        var longName = "server." + "x".repeat(100);
        var wire = WireToolNames.wire(longName);
        assertTrue(OPENAI.matcher(wire).matches(), wire);
        assertNotEquals(wire, WireToolNames.wire("server." + "x".repeat(101)));
    }

    @Test
    void namesThatClashOnTheWireStayApart() {
        var names = WireToolNames.names(List.of(spec("a.b_c"), spec("a__b.c")));
        assertEquals(2, names.size());
        assertEquals(List.of("a.b_c", "a__b.c"), names.values().stream().sorted().toList());
        names.keySet().forEach(wire -> assertTrue(OPENAI.matcher(wire).matches(), wire));
    }

    @Test
    void theModelSeesWireNamesAndTheLoopRafikiNames() throws ModelException {
        var seen = new ArrayList<ModelRequest>();
        var started = new ArrayList<String>();
        ModelProvider provider = (request, listener, cancelled) -> {
            seen.add(request);
            listener.toolCallStarted("c2", "docs__search");
            return new ModelTurn("", List.of(new ToolCall("c2", "docs__search", "{}")), "tool_use", 1, 1);
        };
        var history = List.of(ChatMessage.user("hi"),
                ChatMessage.assistant("", List.of(new ToolCall("c1", "docs.search", "{}"))),
                ChatMessage.toolResult("c1", "found", false));
        var turn = WireToolNames.of(provider).complete(new ModelRequest("m", null, history,
                List.of(spec("read_file"), spec("docs.search")), 10, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new ModelStreamListener() {
                    @Override
                    public void toolCallStarted(String id, String name) {
                        started.add(name);
                    }
                }, () -> false);

        var sent = seen.get(0);
        assertEquals(List.of("read_file", "docs__search"), sent.tools().stream().map(ToolSpec::name).toList());
        assertEquals("docs__search", sent.messages().get(1).toolCalls().get(0).name());
        assertEquals("docs.search", turn.toolCalls().get(0).name());
        assertEquals(List.of("docs.search"), started);
    }

    @Test
    void aRequestWithoutMcpToolsIsPassedOnUntouched() throws ModelException {
        var request = new ModelRequest("m", null, List.of(ChatMessage.user("hi")), List.of(spec("read_file")), 10,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        var seen = new ArrayList<ModelRequest>();
        WireToolNames.of((r, l, c) -> {
            seen.add(r);
            return new ModelTurn("ok", List.of(), "end", 1, 1);
        }).complete(request, ModelStreamListener.NONE, () -> false);
        assertTrue(seen.get(0) == request);
        assertEquals(Map.of("read_file", "read_file"), WireToolNames.names(request.tools()));
    }

    static ToolSpec spec(String name) {
        return new ToolSpec(name, "", "{\"type\":\"object\"}");
    }
}
