package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Job;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structured output through the public API: a request's or profile's {@code output_schema}, the
 * answer validated and asked again once, {@code output} in the views, what the real providers'
 * wire protocols carry (checked at the fake model servers). Through the Java client; raw {@link
 * Api} calls remain only where the wire itself is tested.
 */
class StructuredOutputIT {

    static final JsonObject CITY = json("""
            {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}""");
    static final JsonObject COUNT = json("""
            {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}""");

    static RafikiServer server;
    static FakeModelProviders models;
    static Api api;
    static RafikiClient rafiki;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        models = SharedServer.models();
        var user = "structured-" + UUID.randomUUID().toString().substring(0, 8);
        api = server.api(user);
        rafiki = server.client(user);
    }

    @AfterAll
    static void stop() {
        rafiki.close();
    }

    static Prompt ask(String prompt, JsonObject schema, String model) {
        var request = QueryRequest.of(prompt).withOutputSchema(schema);
        return rafiki.query(model == null ? request : request.withModel(model));
    }

    static JsonObject output(Prompt prompt) {
        assertNotNull(prompt.output(), prompt.toString());
        return prompt.output().asJsonObject();
    }

    @Test
    void aValidAnswerCarriesItsParsedOutputInEveryView() {
        var answer = ask("{\"city\": \"Nairobi\"}", CITY, null);
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("{\"city\": \"Nairobi\"}", answer.answer());
        assertEquals("Nairobi", output(answer).getString("city"));
        var view = rafiki.sessions().prompt(answer.sessionId(), answer.id());
        assertEquals("Nairobi", output(view).getString("city"), view.toString());

        var plain = rafiki.query("hello");
        assertNull(plain.output(), "a free-text answer has no output: " + plain);
    }

    @Test
    void anAnswerInvalidTwiceFailsWithOutputInvalid() {
        var answer = ask("not json at all", CITY, null);
        assertEquals("failed", answer.status(), answer.toString());
        assertEquals("output-invalid", answer.error().code());
        assertNull(answer.output());
    }

    @Test
    void theEchoModelWalksThroughOutputsWhenAskedAgain() {
        var answer = ask("/outputs [{\"city\": 3}, {\"city\": \"Lamu\"}]", CITY, null);
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("Lamu", output(answer).getString("city"));
    }

    @Test
    void openAiGetsResponseFormatAndTheRetryCarriesTheValidationErrors() {
        int before = models.openAiRequests.size();
        var answer = ask("outputs: [{\"town\": 1}, {\"city\": \"Mombasa\"}]", CITY, "openai/gpt-4o-mini");
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("Mombasa", output(answer).getString("city"));
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
        assertEquals("failed", answer.status(), answer.toString());
        assertEquals("output-invalid", answer.error().code());
    }

    @Test
    void anthropicIsForcedToAnswerThroughOneTool() {
        int before = models.anthropicRequests.size();
        var answer = ask("outputs: [{\"city\": \"Kisumu\"}]", CITY, "anthropic/claude-sonnet-4-5");
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("Kisumu", output(answer).getString("city"));
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
        rafiki.agents().create(Json.createObjectBuilder().add("name", name).add("output_schema", CITY).build());

        var byProfile = rafiki.query(QueryRequest.of("{\"city\": \"Eldoret\"}").withAgent(name));
        assertEquals("Eldoret", output(byProfile).getString("city"), byProfile.toString());
        var refusedByProfile = rafiki.query(QueryRequest.of("{\"n\": 3}").withAgent(name));
        assertEquals("output-invalid", refusedByProfile.error().code());

        var overridden = rafiki.query(QueryRequest.of("{\"n\": 3}").withAgent(name).withOutputSchema(COUNT));
        assertEquals("completed", overridden.status(), overridden.toString());
        assertEquals(3, output(overridden).getInt("n"));
    }

    static Job finishedJob(SubmitRequest request) {
        return rafiki.jobs().await(rafiki.jobs().submit(request).id(), Duration.ofSeconds(60));
    }

    @Test
    void aJobsOwnSchemaIsFollowedOnEitherPathAndItsOutputIsInItsResult() {
        var job = finishedJob(SubmitRequest.of("{\"city\": \"Naivasha\"}").withOutputSchema(CITY));
        assertEquals("completed", job.status(), job.toString());
        assertEquals("Naivasha", job.output().asJsonObject().getString("city"), job.toString());

        // behind a running prompt of its session the job takes the durable queue
        var busy = rafiki.start(QueryRequest.of("/slow 300 hold on"));
        assertFalse(busy.terminal(), busy.toString());
        var queued = finishedJob(SubmitRequest.of("/outputs [{\"city\": 3}, {\"city\": \"Kitale\"}]")
                .inSession(busy.sessionId()).withOutputSchema(CITY));
        assertEquals("completed", queued.status(), queued.toString());
        assertEquals("Kitale", queued.output().asJsonObject().getString("city"), queued.toString());

        var invalid = finishedJob(SubmitRequest.of("no json here").withOutputSchema(CITY));
        assertEquals("failed", invalid.status(), invalid.toString());
        assertEquals("output-invalid", invalid.error().code());
        assertEquals(1, invalid.attempts(), "an answer that does not follow the schema is not retried");
    }

    @Test
    void anInvalidSchemaIsRefusedBeforeAnythingRuns() {
        // raw: the schemas are given as text, one of them no object, which no typed request carries
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
