package dev.rafiki.event.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Events are written without JSON-P, and must still read exactly as JSON-P wrote them before: the
 * stored text, and the frames clients get, are unchanged.
 */
class EventDataTest {

    final UUID prompt = CatalogueSamples.PROMPT;

    @Test
    void everyEventOfTheCatalogueIsTheTextJsonPWouldWrite() {
        for (var event : CatalogueSamples.all()) {
            var text = event.data();
            // JSON-P writes what it read back with its own escapes and numbers: equal only if ours are its
            assertEquals(CatalogueSamples.parse(text).toString(), text, event.type());
        }
    }

    @Test
    void stringsAreEscapedAsJsonPEscapesThem() {
        var every = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            every.append(c);
        }
        every.append("é €\u2028\u2029\uD83D\uDE00 \uD800 lone \uDFFF ");
        var ours = new SessionEvent.MessageDelta(prompt, every.toString()).data();
        var theirs = Json.createObjectBuilder().add("prompt_id", prompt.toString()).add("text", every.toString())
                .build().toString();
        assertEquals(theirs, ours);
    }

    @Test
    void aQueuedPromptIsWrittenAsJsonPWritesIt() {
        var before = Json.createObjectBuilder().add("prompt_id", prompt.toString()).add("prompt_number", 12L)
                .add("prompt", "say \"hi\"").build().toString();
        assertEquals(before, new SessionEvent.PromptQueued(prompt, 12, "say \"hi\"").data());
    }

    @Test
    void nestedObjectsArraysAndOptionalMembers() {
        var completed = new SessionEvent.MessageCompleted(prompt, "assistant", null, List.of(
                new SessionEvent.MessageCompleted.Call("c1", "read_file", null),
                new SessionEvent.MessageCompleted.Call("c2", "write_file", "{\"path\":\"a\"}")));
        var before = Json.createObjectBuilder().add("prompt_id", prompt.toString()).add("role", "assistant")
                .add("content", "").add("tool_calls", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("id", "c1").add("name", "read_file").add("arguments", "{}"))
                        .add(Json.createObjectBuilder().add("id", "c2").add("name", "write_file")
                                .add("arguments", "{\"path\":\"a\"}")))
                .build().toString();
        assertEquals(before, completed.data());
        assertEquals("{\"prompt_id\":\"" + prompt + "\",\"role\":\"assistant\",\"content\":\"hi\",\"tool_calls\":[]}",
                new SessionEvent.MessageCompleted(prompt, "assistant", "hi", List.of()).data());

        var ended = SessionEvent.PromptEnded.of(prompt, "completed", null, null);
        assertEquals("prompt.completed", ended.type());
        assertEquals("{\"prompt_id\":\"" + prompt + "\",\"status\":\"completed\"}", ended.data());
        var failed = SessionEvent.PromptEnded.of(prompt, "failed", "model-timeout", null);
        assertEquals("prompt.failed", failed.type());
        assertEquals("{\"prompt_id\":\"" + prompt
                + "\",\"status\":\"failed\",\"error\":{\"code\":\"model-timeout\",\"message\":\"model-timeout\"}}",
                failed.data(), "a missing message is the code, as before");

        var decided = new SessionEvent.ToolCallApprovalDecided(prompt, "c1", "write_file", "deny", true, null, null, null);
        assertFalse(CatalogueSamples.parse(decided.data()).containsKey("reason"));
        assertFalse(CatalogueSamples.parse(decided.data()).containsKey("arguments"));
        var progress = new SessionEvent.JobProgress(prompt, 50, null);
        assertEquals("{\"job_id\":\"" + prompt + "\",\"percent\":50}", progress.data());
        assertEquals(prompt, progress.promptId(), "a job's events belong to its prompt");
    }

    @Test
    void jsonValuesAndInstantsAreWrittenAsJsonPWritesThem() {
        var arguments = Json.createObjectBuilder().add("path", "x\ty").add("n", 1.5).add("list",
                Json.createArrayBuilder().add(JsonValue.NULL).add(true)).build();
        var at = Instant.parse("2026-12-02T10:15:30.000100Z");
        var ours = new SessionEvent.ToolCallApprovalRequested(prompt, "c1", "write_file", arguments, at).data();
        var before = Json.createObjectBuilder().add("prompt_id", prompt.toString()).add("tool_call_id", "c1")
                .add("tool", "write_file").add("arguments", arguments).add("expires_at", at.toString()).build().toString();
        assertEquals(before, ours);
        var text = Json.createValue("not JSON {");
        assertEquals(Json.createObjectBuilder().add("a", text).build().toString(),
                EventData.of(data -> data.add("a", text)));
    }

    @Test
    void aRequiredStringThatIsNullIsRefusedAsJsonPRefusedIt() {
        assertThrows(NullPointerException.class, () -> new SessionEvent.MessageDelta(prompt, null).data());
        assertEquals("{}", EventData.of(data -> { }));
    }
}
