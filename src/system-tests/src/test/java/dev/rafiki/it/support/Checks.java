package dev.rafiki.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Prompt;
import dev.rafiki.client.RafikiClient;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Assertions about what a session's history must look like after its prompts ran. */
public final class Checks {

    private Checks() {
    }

    /**
     * The session ran exactly the given prompts, each once, in this order, one at a time: its
     * history alternates each prompt with its answer, and no prompt started before the previous
     * one finished.
     */
    public static void ranInOrderOnce(Api api, String sessionId, List<String> promptIds, List<String> prompts) {
        var messages = api.messages(sessionId);
        assertEquals(2 * prompts.size(), messages.size(), "messages of " + sessionId);
        Instant previousEnd = Instant.MIN;
        for (int i = 0; i < prompts.size(); i++) {
            var user = messages.get(2 * i);
            var assistant = messages.get(2 * i + 1);
            assertEquals("user", user.getString("role"));
            assertEquals(prompts.get(i), user.getString("content"), "prompt #" + i + " of " + sessionId);
            assertEquals(promptIds.get(i), user.getString("prompt_id"));
            assertEquals("assistant", assistant.getString("role"));
            assertEquals(promptIds.get(i), assistant.getString("prompt_id"));
            assertFalse(assistant.getBoolean("partial"));

            var prompt = prompt(api, sessionId, promptIds.get(i));
            assertEquals("completed", prompt.getString("status"));
            assertEquals(i + 1, prompt.getInt("number"));
            var started = Instant.parse(prompt.getString("started_at"));
            var finished = Instant.parse(prompt.getString("finished_at"));
            assertTrue(!started.isBefore(previousEnd),
                    "prompt #" + i + " of " + sessionId + " started " + started + " before its predecessor finished " + previousEnd);
            previousEnd = finished;
        }
    }

    /** {@link #ranInOrderOnce(Api, String, List, List)} read through the Java client. */
    public static void ranInOrderOnce(RafikiClient client, UUID sessionId, List<UUID> promptIds, List<String> prompts) {
        var messages = client.sessions().messages(sessionId);
        assertEquals(2 * prompts.size(), messages.size(), "messages of " + sessionId);
        Instant previousEnd = Instant.MIN;
        for (int i = 0; i < prompts.size(); i++) {
            var user = messages.get(2 * i);
            var assistant = messages.get(2 * i + 1);
            assertEquals("user", user.role());
            assertEquals(prompts.get(i), user.content(), "prompt #" + i + " of " + sessionId);
            assertEquals(promptIds.get(i), user.promptId());
            assertEquals("assistant", assistant.role());
            assertEquals(promptIds.get(i), assistant.promptId());
            assertFalse(assistant.partial());

            Prompt prompt = client.sessions().prompt(sessionId, promptIds.get(i));
            assertEquals("completed", prompt.status());
            assertEquals(i + 1, prompt.number());
            var started = prompt.startedAt();
            var finished = prompt.finishedAt();
            assertNotNull(started, "prompt #" + i + " of " + sessionId + " has no started_at");
            assertNotNull(finished, "prompt #" + i + " of " + sessionId + " has no finished_at");
            assertTrue(!started.isBefore(previousEnd),
                    "prompt #" + i + " of " + sessionId + " started " + started + " before its predecessor finished " + previousEnd);
            previousEnd = finished;
        }
    }

    public static JsonObject prompt(Api api, String sessionId, String promptId) {
        var response = api.get("/session/" + sessionId + "/prompts/" + promptId);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }
}
