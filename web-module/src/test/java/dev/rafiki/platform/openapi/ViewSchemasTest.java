package dev.rafiki.platform.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.junit.jupiter.api.Test;

public class ViewSchemasTest {

    enum Colour { RED, DARK_BLUE }

    @Schema(description = "a thing")
    record Thing(@Schema(required = true) UUID thingId, String displayName, long count, Integer maybe, double ratio,
                 boolean flag, Instant createdAt, @Schema(enumeration = {"open", "closed"}, description = "where it is") String state,
                 Colour colour, Part mainPart, List<Part> parts, List<UUID> ids, JsonObject metadata, JsonValue anything,
                 Map<String, Long> counts, @Schema(ref = "Elsewhere") JsonObject handWritten,
                 @JsonbProperty("sha256sum") String checksum, @JsonbTransient String secret) {
    }

    @Schema(name = "ThingPart", requiredProperties = "label")
    record Part(String label, @Schema(description = "the parent, when there is one") Part parent) {
    }

    record Page<T>(@Schema(required = true) List<T> items, String nextCursor) {
    }

    static JsonObject properties(Map<String, JsonObject> schemas, String name) {
        return schemas.get(name).getJsonObject("properties");
    }

    @Test
    void membersAreNamedAsJsonbWritesThem() {
        var properties = properties(ViewSchemas.of(List.of(Thing.class)), "Thing");
        assertEquals(List.of("thing_id", "display_name", "count", "maybe", "ratio", "flag", "created_at", "state", "colour",
                "main_part", "parts", "ids", "metadata", "anything", "counts", "hand_written", "sha256sum"),
                List.copyOf(properties.keySet()));
        assertEquals("duration_ms", ViewSchemas.snakeCase("durationMs"));
        assertEquals("sha256", ViewSchemas.snakeCase("sha256"));
    }

    public record Names(String durationMs, String sha256, String aB, String toolCallId, String xMLHttp, String a1B, String already_snake) {
    }

    @Test
    void namesAreJsonbsOwn() {
        var written = Json.createReader(new java.io.StringReader(dev.rafiki.platform.json.ApiJson.JSONB.toJson(
                new Names("", "", "", "", "", "", "")))).readObject();
        var generated = properties(ViewSchemas.of(List.of(Names.class)), "Names");
        assertEquals(written.keySet(), generated.keySet());
    }

    @Test
    void javaTypesBecomeJsonSchemaTypes() {
        var p = properties(ViewSchemas.of(List.of(Thing.class)), "Thing");
        assertEquals(json("{\"type\":\"string\",\"format\":\"uuid\"}"), p.get("thing_id"));
        assertEquals(json("{\"type\":\"integer\",\"format\":\"int64\"}"), p.get("count"));
        assertEquals(json("{\"type\":\"integer\",\"format\":\"int32\"}"), p.get("maybe"));
        assertEquals("number", p.getJsonObject("ratio").getString("type"));
        assertEquals("boolean", p.getJsonObject("flag").getString("type"));
        assertEquals(json("{\"type\":\"string\",\"format\":\"date-time\"}"), p.get("created_at"));
        assertEquals(json("{\"type\":\"string\",\"enum\":[\"RED\",\"DARK_BLUE\"]}"), p.get("colour"));
        assertEquals(json("{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"uuid\"}}"), p.get("ids"));
        assertEquals(json("{\"type\":\"object\"}"), p.get("metadata"));
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, p.get("anything"), "any JSON value");
        assertEquals(json("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"format\":\"int64\"}}"), p.get("counts"));
    }

    @Test
    void recordsAreComponentsOfTheirOwnReferredToByName() {
        var schemas = ViewSchemas.of(List.of(Thing.class));
        assertEquals(List.of("Thing", "ThingPart"), List.copyOf(schemas.keySet()));
        var p = properties(schemas, "Thing");
        assertEquals(json("{\"$ref\":\"#/components/schemas/ThingPart\"}"), p.get("main_part"));
        assertEquals(json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/ThingPart\"}}"), p.get("parts"));
        assertEquals(json("{\"$ref\":\"#/components/schemas/Elsewhere\"}"), p.get("hand_written"), "@Schema(ref) names a hand-written schema");
        // a described reference: the description beside the $ref through allOf; a cycle stops at the name
        assertEquals(json("{\"allOf\":[{\"$ref\":\"#/components/schemas/ThingPart\"}],\"description\":\"the parent, when there is one\"}"),
                properties(schemas, "ThingPart").get("parent"));
    }

    @Test
    void whatTheTypeCannotSayComesFromItsAnnotations() {
        var schemas = ViewSchemas.of(List.of(Thing.class));
        var thing = schemas.get("Thing");
        assertEquals("a thing", thing.getString("description"));
        // required: the annotated member and every primitive one (JSON-B leaves out only nulls)
        assertEquals(json("[\"thing_id\",\"count\",\"ratio\",\"flag\"]"), thing.get("required"));
        assertEquals(json("{\"type\":\"string\",\"description\":\"where it is\",\"enum\":[\"open\",\"closed\"]}"),
                thing.getJsonObject("properties").get("state"));
        assertEquals(json("[\"label\"]"), schemas.get("ThingPart").get("required"), "requiredProperties on the record");
        assertFalse(thing.getJsonObject("properties").containsKey("secret"), "@JsonbTransient");
    }

    @Test
    void aGenericRecordIsNamedPerUse() {
        var schemas = ViewSchemas.of(List.of(ViewTypes.named("ThingPage", Page.class, Thing.class),
                ViewTypes.named("PartPage", Page.class, Part.class)));
        assertEquals(json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Thing\"}}"),
                properties(schemas, "ThingPage").get("items"));
        assertEquals(json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/ThingPart\"}}"),
                properties(schemas, "PartPage").get("items"));
        assertEquals(json("[\"items\"]"), schemas.get("ThingPage").get("required"));
        assertThrows(IllegalArgumentException.class, () -> ViewSchemas.of(List.of(Page.class)), "an unnamed generic record");
    }

    record Clash(Part part, Other.Part other) {
    }

    static final class Other {
        @Schema(name = "ThingPart")
        record Part(String x) {
        }
    }

    record NotAView(Thread thread) {
    }

    record Unsaid(@Schema(maxLength = 5) String text) {
    }

    @Test
    void twoTypesUnderOneNameAndTypesWithoutASchemaAreRefused() {
        var clash = assertThrows(IllegalArgumentException.class, () -> ViewSchemas.of(List.of(Clash.class)));
        assertTrue(clash.getMessage().contains("ThingPart"), clash.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ViewSchemas.of(List.of(NotAView.class)));
        var unsaid = assertThrows(IllegalArgumentException.class, () -> ViewSchemas.of(List.of(Unsaid.class)));
        assertTrue(unsaid.getMessage().contains("maxLength"), "an attribute the schema would not carry: " + unsaid.getMessage());
    }

    static JsonValue json(String text) {
        return Json.createReader(new java.io.StringReader(text)).readValue();
    }
}
