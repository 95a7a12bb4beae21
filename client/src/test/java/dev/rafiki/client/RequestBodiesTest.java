package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.Json;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What the request builders send: a field only when it was given. */
class RequestBodiesTest {

    static final jakarta.json.JsonObject RULES = Json.createObjectBuilder().add("write_file",
            Json.createObjectBuilder().add("unless", Json.createObjectBuilder().add("path", "drafts/**"))).build();

    @Test
    void approvalRulesAreSentAsGivenAndKeptByTheOtherBuilders() {
        var query = QueryRequest.of("hi").withApproval(RULES).withAgent("drafter").withIdempotencyKey("k");
        assertEquals(RULES, query.toJson().getJsonObject("approval"));
        assertFalse(QueryRequest.of("hi").toJson().containsKey("approval"));

        var job = SubmitRequest.of("hi").withApproval(RULES).withWebhook("https://hooks.example.com/x", null);
        assertEquals(RULES, job.toJson().getJsonObject("approval"));
        assertFalse(SubmitRequest.of("hi").toJson().containsKey("approval"));
    }

    @Test
    void aRunAtOnAWholeMinuteIsSentWithItsSecondsAsRfc3339Requires() {
        var onTheMinute = OffsetDateTime.of(2026, 12, 2, 23, 20, 0, 0, ZoneOffset.UTC);
        assertEquals("2026-12-02T23:20:00Z", SubmitRequest.of("hi").at(onTheMinute).toJson().getString("run_at"));
        var withFraction = OffsetDateTime.of(2026, 12, 2, 23, 20, 5, 250_000_000, ZoneOffset.ofHours(1));
        assertEquals("2026-12-02T23:20:05.25+01:00", SubmitRequest.of("hi").at(withFraction).toJson().getString("run_at"));
    }
}
