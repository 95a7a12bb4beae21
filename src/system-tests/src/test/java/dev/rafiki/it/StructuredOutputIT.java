package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structured output through the public API: a request's or profile's {@code output_schema}, the
 * answer validated and asked again once, {@code output} in the views, what the real providers'
 * wire protocols carry (checked at the fake model servers).
 */
class StructuredOutputIT {

    static final JsonObject CITY = json("""
            {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}""");
    static final JsonObject COUNT = json("""
            {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}""");

    static RafikiServer server;
    static FakeModelProviders models;
    static Api api;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        models = SharedServer.models();
        api = server.api("structured-" + UUID.randomUUID().toString().substring(0, 8));
    }

    static JsonObject query(JsonObject body) {
        var response = api.post("/query", body.toString());
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static JsonObject ask(String prompt, JsonObject schema, String model) {
        var body = Json.createObjectBuilder().add("prompt", prompt).add("output_schema", schema);
        if (model != null) {
            body.add("model", model);
        }
        return query(body.build());
    }

    @Test
    void aValidAnswerCarriesItsParsedOutputInEveryView() {
        var answer = ask("{\"city\": \"Nairobi\"}", CITY, null);
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("{\"city\": \"Nairobi\"}", answer.getString("answer"));
        assertEquals("Nairobi", answer.getJsonObject("output").getString("city"));
        var view = api.get("/session/" + answer.getString("session_id") + "/prompts/" + answer.getString("id"));
        assertEquals(200, view.status(), view.body());
        assertEquals("Nairobi", view.json().getJsonObject("output").getString("city"), view.body());

        var plain = api.query(null, "hello");
        assertFalse(plain.containsKey("output"), "a free-text answer has no output: " + plain);
    }

    @Test
    void anAnswerInvalidTwiceFailsWithOutputInvalid() {
        var answer = ask("not json at all", CITY, null);
        assertEquals("failed", answer.getString("status"), answer.toString());
        assertEquals("output-invalid", answer.getJsonObject("error").getString("code"));
        assertFalse(answer.containsKey("output"));
    }

    @Test
    void theEchoModelWalksThroughOutputsWhenAskedAgain() {
        var answer = ask("/outputs [{\"city\": 3}, {\"city\": \"Lamu\"}]", CITY, null);
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("Lamu", answer.getJsonObject("output").getString("city"));
    }

    @Test
    void openAiGetsResponseFormatAndTheRetryCarriesTheValidationErrors() {
        int before = models.openAiRequests.size();
        var answer = ask("outputs: [{\"town\": 1}, {\"city\": \"Mombasa\"}]", CITY, "openai/gpt-4o-mini");
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("Mombasa", answer.getJsonObject("output").getString("city"));
        var sent = models.openAiRequests.subList(before, models.openAiRequests.size()).stream()
                .filter(r -> r.toString().contains("Mombasa")).toList();
        assertEquals(2, sent.size(), "asked once, then once again: " + sent);
        var format = sent.get(0).getJsonObject("response_format");
        assertEquals("json_schema", format.getString("type"));
        assertEquals(CITY, format.getJsonObject("json_schema").getJsonObject("schema"));
        assertTrue(format.getJsonObject("json_schema").containsKey("name"));
        var retry = sent.get(1).getJsonArray("messages");
        var feedback = retry.getJsonObject(retry.size() - 1);
        assertEquals("user", feedback.getString("role"));
        assertTrue(feedback.getString("content").startsWith("Your answer does not match"), feedback.toString());
        assertTrue(feedback.getString("content").contains("city"), "names what is missing: " + feedback);
        assertEquals("{\"town\":1}", retry.getJsonObject(retry.size() - 2).getString("content"));
    }

    @Test
    void openAiInvalidTwiceFails() {
        var answer = ask("outputs: [{\"town\": 1}, {\"city\": 2}]", CITY, "openai/gpt-4o-mini");
        assertEquals("failed", answer.getString("status"), answer.toString());
        assertEquals("output-invalid", answer.getJsonObject("error").getString("code"));
    }

    @Test
    void anthropicIsForcedToAnswerThroughOneTool() {
        int before = models.anthropicRequests.size();
        var answer = ask("outputs: [{\"city\": \"Kisumu\"}]", CITY, "anthropic/claude-sonnet-4-5");
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("Kisumu", answer.getJsonObject("output").getString("city"));
        var sent = models.anthropicRequests.subList(before, models.anthropicRequests.size()).stream()
                .filter(r -> r.toString().contains("Kisumu")).toList();
        assertEquals(1, sent.size());
        var tools = sent.get(0).getJsonArray("tools");
        assertEquals(1, tools.size(), "the output tool alone: " + tools);
        var tool = tools.getJsonObject(0);
        assertEquals(CITY, tool.getJsonObject("input_schema"));
        var choice = sent.get(0).getJsonObject("tool_choice");
        assertEquals("tool", choice.getString("type"));
        assertEquals(tool.getString("name"), choice.getString("name"));
    }

    @Test
    void theRequestsSchemaWinsOverTheProfiles() {
        var name = "structured-" + UUID.randomUUID().toString().substring(0, 8);
        var created = api.post("/agents", Json.createObjectBuilder().add("name", name).add("output_schema", CITY)
                .build().toString());
        assertEquals(201, created.status(), created.body());

        var byProfile = query(Json.createObjectBuilder().add("prompt", "{\"city\": \"Eldoret\"}").add("agent", name).build());
        assertEquals("Eldoret", byProfile.getJsonObject("output").getString("city"), byProfile.toString());
        var refusedByProfile = query(Json.createObjectBuilder().add("prompt", "{\"n\": 3}").add("agent", name).build());
        assertEquals("output-invalid", refusedByProfile.getJsonObject("error").getString("code"));

        var overridden = query(Json.createObjectBuilder().add("prompt", "{\"n\": 3}").add("agent", name)
                .add("output_schema", COUNT).build());
        assertEquals("completed", overridden.getString("status"), overridden.toString());
        assertEquals(3, overridden.getJsonObject("output").getInt("n"));
    }

    static JsonObject finishedJob(String body) {
        var submitted = api.post("/submit", body);
        assertEquals(202, submitted.status(), submitted.body());
        var id = submitted.json().getString("id");
        return dev.rafiki.it.support.Await.until("job " + id + " to end", java.time.Duration.ofSeconds(60),
                () -> api.get("/jobs/" + id).json(),
                job -> !java.util.List.of("scheduled", "queued", "running").contains(job.getString("status")));
    }

    @Test
    void aJobsOwnSchemaIsFollowedOnEitherPathAndItsOutputIsInItsResult() {
        var job = finishedJob(Json.createObjectBuilder().add("prompt", "{\"city\": \"Naivasha\"}")
                .add("output_schema", CITY).build().toString());
        assertEquals("completed", job.getString("status"), job.toString());
        assertEquals("Naivasha", job.getJsonObject("output").getString("city"));

        // behind a running prompt of its session the job takes the durable queue
        var busy = api.post("/query", "{\"prompt\": \"/slow 300 hold on\"}", "Prefer", "respond-async");
        assertEquals(202, busy.status(), busy.body());
        var queued = finishedJob(Json.createObjectBuilder().add("prompt", "/outputs [{\"city\": 3}, {\"city\": \"Kitale\"}]")
                .add("session_id", busy.json().getString("session_id")).add("output_schema", CITY).build().toString());
        assertEquals("completed", queued.getString("status"), queued.toString());
        assertEquals("Kitale", queued.getJsonObject("output").getString("city"));

        var invalid = finishedJob(Json.createObjectBuilder().add("prompt", "no json here").add("output_schema", CITY)
                .build().toString());
        assertEquals("failed", invalid.getString("status"), invalid.toString());
        assertEquals("output-invalid", invalid.getJsonObject("error").getString("code"));
        assertEquals(1, invalid.getInt("attempts"), "an answer that does not follow the schema is not retried");
    }

    @Test
    void anInvalidSchemaIsRefusedBeforeAnythingRuns() {
        for (var schema : new String[] {"{\"type\": 5}", "{\"required\": \"city\"}", "\"object\"",
                "{\"$ref\": \"http://169.254.169.254/latest/meta-data\"}"}) {
            var response = api.post("/query", "{\"prompt\": \"x\", \"output_schema\": " + schema + "}");
            assertEquals(400, response.status(), schema + " → " + response.body());
            assertEquals("validation-failed", response.json().getString("code"));
            var job = api.post("/submit", "{\"prompt\": \"x\", \"output_schema\": " + schema + "}");
            assertEquals(400, job.status(), schema + " → " + job.body());
            assertEquals("validation-failed", job.json().getString("code"));
            var profile = api.post("/agents", "{\"name\": \"bad-" + UUID.randomUUID().toString().substring(0, 8)
                    + "\", \"output_schema\": " + schema + "}");
            assertEquals(400, profile.status(), schema + " → " + profile.body());
            assertEquals("validation-failed", profile.json().getString("code"));
        }
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
