package dev.rafiki.agent.control;

import static dev.rafiki.agent.control.AgentLoopTest.answer;
import static dev.rafiki.agent.control.AgentLoopTest.limits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ChatMessage.Role;
import dev.rafiki.agent.model.EchoProvider;
import dev.rafiki.agent.model.ModelRequest;
import dev.rafiki.agent.model.ModelStreamListener;
import dev.rafiki.tool.control.ToolResult;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {

    static final JsonObject SCHEMA = json("""
            {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}},
             "additionalProperties": false}""");

    final AgentLoopTest.ScriptedProvider provider = new AgentLoopTest.ScriptedProvider();
    final ModelStreamListener quiet = new ModelStreamListener() { };

    AgentLoop.Outcome run(JsonObject schema, List<ChatMessage> history) {
        AgentLoop.Tools noTools = (name, arguments, stop) -> ToolResult.failed("no tools here");
        return new AgentLoop(provider, "m", List.of(), noTools, limits(10, Duration.ofSeconds(30)),
                new AgentLoop.Setup(null, null, schema == null ? null : OutputSchema.of(schema)))
                .run(history, quiet, () -> false);
    }

    @Test
    void aValidAnswerCompletesAtOnceAndTheModelWasGivenTheSchema() {
        provider.then(answer("{\"city\": \"Nairobi\"}", 1, 1));
        var outcome = run(SCHEMA, List.of(ChatMessage.user("where?")));
        assertNull(outcome.errorCode());
        assertEquals("{\"city\": \"Nairobi\"}", outcome.answer());
        assertEquals(SCHEMA, provider.requests.get(0).outputSchema());
        assertEquals(1, outcome.steps());
    }

    @Test
    void anInvalidAnswerIsAskedAgainWithItsErrorsAndOnlyTheValidOneIsKept() {
        provider.then(answer("{\"town\": 1}", 1, 1)).then(answer("{\"city\": \"Mombasa\"}", 2, 2));
        var outcome = run(SCHEMA, List.of(ChatMessage.user("where?")));
        assertNull(outcome.errorCode());
        assertEquals("{\"city\": \"Mombasa\"}", outcome.answer());
        var retry = provider.requests.get(1).messages();
        var feedback = retry.get(retry.size() - 1);
        assertEquals(Role.USER, feedback.role());
        assertTrue(feedback.content().startsWith(ModelRequest.OUTPUT_FEEDBACK), feedback.content());
        assertTrue(feedback.content().contains("city"), "names what is missing: " + feedback.content());
        assertEquals("{\"town\": 1}", retry.get(retry.size() - 2).content(), "the model sees what it answered");
        assertEquals(List.of("{\"city\": \"Mombasa\"}"), outcome.messages().stream().map(ChatMessage::content).toList(),
                "the refused answer and the feedback stay out of the session's history");
        assertEquals(3, outcome.inputTokens());
    }

    @Test
    void anAnswerInvalidTwiceFailsWithOutputInvalid() {
        provider.then(answer("not json", 1, 1)).then(answer("{\"city\": 7}", 1, 1));
        var outcome = run(SCHEMA, List.of(ChatMessage.user("where?")));
        assertEquals(OutputSchema.OUTPUT_INVALID, outcome.errorCode());
        assertTrue(outcome.errorMessage().contains("/city"), outcome.errorMessage());
        assertTrue(provider.requests.get(1).messages().get(2).content().contains("not JSON"));
        assertEquals(2, provider.requests.size(), "retried once, not more");
    }

    @Test
    void withoutASchemaAnyTextIsAnAnswer() {
        provider.then(answer("not json", 1, 1));
        var outcome = run(null, List.of(ChatMessage.user("where?")));
        assertNull(outcome.errorCode());
        assertNull(provider.requests.get(0).outputSchema());
    }

    @Test
    void schemasThatAreInvalidOrReachOutsideThemselvesAreRefused() {
        assertThrows(OutputSchema.InvalidSchema.class, () -> OutputSchema.of(json("{\"type\": 5}")));
        assertThrows(OutputSchema.InvalidSchema.class, () -> OutputSchema.of(json("{\"required\": \"a\"}")));
        assertThrows(OutputSchema.InvalidSchema.class,
                () -> OutputSchema.of(json("{\"$ref\": \"http://169.254.169.254/latest\"}")));
        assertThrows(OutputSchema.InvalidSchema.class,
                () -> OutputSchema.of(json("{\"$schema\": \"http://example.com/my-meta\"}")));
        var local = OutputSchema.of(json("""
                {"$defs": {"n": {"type": "integer"}}, "type": "array", "items": {"$ref": "#/$defs/n"}}"""));
        assertEquals(List.of(), local.check("[1, 2]"));
        assertEquals(1, local.check("[1, \"x\"]").size());
    }

    @Test
    void theEchoModelAnswersJsonPromptsAndWalksThroughOutputs() {
        var echo = new EchoProvider();
        var outcome = new AgentLoop(echo, "echo", List.of(), (n, a, s) -> ToolResult.failed("none"),
                limits(5, Duration.ofSeconds(5)), new AgentLoop.Setup(null, null, OutputSchema.of(SCHEMA)))
                .run(List.of(ChatMessage.user("/outputs [{\"city\": 1}, {\"city\": \"Lamu\"}]")), quiet, () -> false);
        assertNull(outcome.errorCode(), outcome.errorMessage());
        assertEquals("{\"city\":\"Lamu\"}", outcome.answer());

        var plain = new AgentLoop(echo, "echo", List.of(), (n, a, s) -> ToolResult.failed("none"),
                limits(5, Duration.ofSeconds(5)), new AgentLoop.Setup(null, null, OutputSchema.of(SCHEMA)))
                .run(List.of(ChatMessage.user("{\"city\": \"Kisumu\"}")), quiet, () -> false);
        assertEquals("{\"city\": \"Kisumu\"}", plain.answer());

        var prose = new AgentLoop(echo, "echo", List.of(), (n, a, s) -> ToolResult.failed("none"),
                limits(5, Duration.ofSeconds(5)), new AgentLoop.Setup(null, null, OutputSchema.of(SCHEMA)))
                .run(List.of(ChatMessage.user("hello")), quiet, () -> false);
        assertEquals(OutputSchema.OUTPUT_INVALID, prose.errorCode());
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
