package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against real answers: every route below is called as a client calls it,
 * and its body is checked against the schema the document gives for that status, strictly: a
 * member the schema does not declare is a failure, as a missing required one, a wrong type or a
 * value outside an enum. So the document cannot drift from what the server sends.
 */
class OpenApiIT {

    static RafikiServer server;
    static Api api;
    static Api admin;
    static JsonObject document;
    /** Routes checked, as "METHOD template status", for the coverage assertion. */
    static final Set<String> CHECKED = new LinkedHashSet<>();

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        api = server.api("openapi-user");
        admin = api.as(server.tokenFor("openapi-admin", "user", "admin"));
        var answer = api.get("/openapi?format=JSON");
        assertEquals(200, answer.status(), answer.body());
        document = answer.json();
    }

    @Test
    void everyAnswerFollowsTheSchemaTheDocumentGivesForItsStatus() {
        var problems = new ArrayList<String>();
        var session = check(problems, api, "POST", "/session", "/session", "{\"title\":\"t\",\"metadata\":{\"a\":\"b\"}}");
        var sid = session.getString("id");
        check(problems, api, "GET", "/session/{id}", "/session/" + sid, null);
        check(problems, api, "GET", "/session/{id}/state", "/session/" + sid + "/state", null);
        check(problems, api, "PATCH", "/session/{id}", "/session/" + sid, "{\"title\":\"u\"}");
        check(problems, api, "GET", "/sessions", "/sessions?limit=1", null);
        var answer = check(problems, api, "POST", "/query", "/query",
                "{\"session_id\":\"" + sid + "\",\"prompt\":\"/tool write_file {\\\"path\\\":\\\"a.txt\\\",\\\"content\\\":\\\"x\\\"}\"}");
        var pid = answer.getString("id");
        // a structured answer: output beside the text
        var structured = check(problems, api, "POST", "/query", "/query", "{\"session_id\":\"" + sid + "\","
                + "\"prompt\":\"{\\\"n\\\":1}\",\"output_schema\":{\"type\":\"object\",\"required\":[\"n\"]},"
                + "\"metadata\":{\"ticket\":\"T-1\"}}");
        assertEquals(1, structured.getJsonObject("output").getInt("n"), structured.toString());
        check(problems, api, "GET", "/session/{id}/prompts/{promptId}",
                "/session/" + sid + "/prompts/" + structured.getString("id"), null);
        check(problems, api, "GET", "/session/{id}/prompts/{promptId}", "/session/" + sid + "/prompts/" + pid, null);
        check(problems, api, "GET", "/session/{id}/messages", "/session/" + sid + "/messages?limit=2", null);
        check(problems, api, "GET", "/session/{id}/queue", "/session/" + sid + "/queue?order=desc", null);
        check(problems, api, "GET", "/session/{id}/events", "/session/" + sid + "/events?limit=3", null);
        check(problems, api, "POST", "/session/{id}/stop", "/session/" + sid + "/stop", "");
        check(problems, api, "POST", "/session/{id}/fork", "/session/" + sid + "/fork", "{\"title\":\"forked\"}");
        check(problems, api, "POST", "/session/{id}/fork", "/session/" + sid + "/fork", "{\"at_message_id\":0}");
        check(problems, api, "POST", "/session/{id}/stream-token", "/session/" + sid + "/stream-token", "");
        check(problems, api, "GET", "/session/{id}/files", "/session/" + sid + "/files?limit=1&order=desc", null);
        var upload = api.send("PUT", "/session/" + sid + "/files/up.bin", "application/octet-stream", "bytes");
        check(problems, "PUT", "/session/{id}/files/{path}", upload);
        // a file's link is POST …/files/{path}/link, which the document lists under the file's path
        check(problems, api, "POST", "/session/{id}/files/{path}", "/session/" + sid + "/files/a.txt/link", "{}");
        check(problems, api, "GET", "/session/{id}/files/{path}", "/session/" + sid + "/files/missing.txt", null);
        check(problems, api, "GET", "/signed/session/{id}/files/{path}", "/signed/session/" + sid + "/files/a.txt?exp=1&sig=x", null);
        check(problems, api, "DELETE", "/session/{id}/files/{path}", "/session/" + sid + "/files/up.bin", null);
        check(problems, api, "DELETE", "/session/{id}/queue/{promptId}", "/session/" + sid + "/queue/" + pid, null);
        check(problems, api, "GET", "/usage", "/usage", null);
        check(problems, api, "GET", "/usage", "/usage?from=2026-01-01&to=2026-02-01", null);

        var job = check(problems, api, "POST", "/submit", "/submit",
                "{\"prompt\":\"/tool save_artifact {\\\"name\\\":\\\"r.txt\\\",\\\"content\\\":\\\"x\\\"}\",\"metadata\":{\"k\":\"v\"}}");
        var jid = job.getString("id");
        Await.until("the job to end", Duration.ofSeconds(60), () -> api.get("/jobs/" + jid).json().getString("status"),
                s -> !List.of("queued", "running").contains(s));
        check(problems, api, "GET", "/jobs/{id}", "/jobs/" + jid, null);
        check(problems, api, "GET", "/jobs", "/jobs?limit=1", null);
        check(problems, api, "GET", "/jobs/{id}/artifacts", "/jobs/" + jid + "/artifacts?limit=1&order=desc", null);
        check(problems, api, "POST", "/jobs/{id}/artifacts/{name}/link", "/jobs/" + jid + "/artifacts/r.txt/link", "{}");
        check(problems, api, "GET", "/jobs/{id}/artifacts/{name}", "/jobs/" + jid + "/artifacts/missing.txt", null);
        check(problems, api, "GET", "/signed/jobs/{id}/artifacts/{name}", "/signed/jobs/" + jid + "/artifacts/r.txt?exp=1&sig=x", null);
        check(problems, api, "POST", "/jobs/{id}/stream-token", "/jobs/" + jid + "/stream-token", "");
        check(problems, api, "POST", "/jobs/{id}/cancel", "/jobs/" + jid + "/cancel", "");
        check(problems, api, "DELETE", "/jobs/{id}", "/jobs/" + jid, null);
        check(problems, admin, "GET", "/admin/dead-letters", "/admin/dead-letters?limit=5&order=desc", null);
        check(problems, admin, "DELETE", "/admin/dead-letters/{job_id}", "/admin/dead-letters/" + jid, null);

        var agent = check(problems, api, "POST", "/agents", "/agents",
                "{\"name\":\"oa-" + System.nanoTime() + "\",\"instructions\":\"be brief\",\"tools\":[\"read_file\"]}");
        var aid = agent.getString("id");
        // a tool call that waits for a person: 202 at once, the prompt's view with its request, the decision, twice otherwise
        var careful = check(problems, api, "POST", "/agents", "/agents",
                "{\"name\":\"oa-careful-" + System.nanoTime() + "\",\"approval\":{\"write_file\":\"always\"}}");
        var waiting = check(problems, api, "POST", "/query", "/query", "{\"agent\":\"" + careful.getString("name") + "\","
                + "\"prompt\":\"/tool write_file {\\\"path\\\":\\\"w.txt\\\",\\\"content\\\":\\\"x\\\"}\"}");
        assertEquals("waiting_approval", waiting.getString("status"), waiting.toString());
        var wsid = waiting.getString("session_id");
        var wpid = waiting.getString("id");
        var request = check(problems, api, "GET", "/session/{id}/prompts/{promptId}", "/session/" + wsid + "/prompts/" + wpid, null)
                .getJsonArray("approvals").getJsonObject(0);
        var decision = "{\"tool_call_id\":\"" + request.getString("tool_call_id") + "\",\"decision\":\"approve\","
                + "\"arguments\":{\"path\":\"w.txt\",\"content\":\"edited\"}}";
        check(problems, api, "POST", "/session/{id}/prompts/{promptId}/approvals", "/session/" + wsid + "/prompts/" + wpid + "/approvals", decision);
        check(problems, api, "POST", "/session/{id}/prompts/{promptId}/approvals", "/session/" + wsid + "/prompts/" + wpid + "/approvals",
                "{\"tool_call_id\":\"" + request.getString("tool_call_id") + "\",\"decision\":\"deny\"}");
        check(problems, api, "DELETE", "/agents/{id}", "/agents/" + careful.getString("id"), null);
        check(problems, api, "GET", "/agents", "/agents?limit=5&order=desc", null);
        check(problems, api, "GET", "/tools", "/tools", null);
        check(problems, api, "GET", "/agents/{id}", "/agents/" + aid, null);
        check(problems, api, "PUT", "/agents/{id}", "/agents/" + aid, "{\"name\":\"" + agent.getString("name") + "\",\"instructions\":\"be briefer\"}");
        check(problems, api, "GET", "/agents/{id}/versions/{version}", "/agents/" + aid + "/versions/1", null);
        check(problems, admin, "PUT", "/admin/budgets/agents/{agent_id}", "/admin/budgets/agents/" + aid,
                "{\"window\":\"month\",\"max_tool_seconds\":60}");
        check(problems, admin, "GET", "/admin/budgets/agents/{agent_id}", "/admin/budgets/agents/" + aid, null);
        check(problems, admin, "DELETE", "/admin/budgets/agents/{agent_id}", "/admin/budgets/agents/" + aid, null);

        var schedule = check(problems, api, "POST", "/schedules", "/schedules",
                "{\"cron\":\"0 3 * * *\",\"timezone\":\"Europe/Zurich\",\"prompt\":\"nightly\"}");
        var scid = schedule.getString("id");
        check(problems, api, "GET", "/schedules", "/schedules?order=desc", null);
        check(problems, api, "GET", "/schedules/{id}", "/schedules/" + scid, null);
        check(problems, api, "PATCH", "/schedules/{id}", "/schedules/" + scid, "{\"prompt\":\"nightly, changed\"}");
        check(problems, api, "POST", "/schedules/{id}/pause", "/schedules/" + scid + "/pause", "");
        check(problems, api, "POST", "/schedules/{id}/resume", "/schedules/" + scid + "/resume", "");
        check(problems, api, "GET", "/schedules/{id}/runs", "/schedules/" + scid + "/runs?order=asc", null);

        check(problems, admin, "PUT", "/admin/budgets/users/{user}", "/admin/budgets/users/someone",
                "{\"window\":\"day\",\"max_tokens\":1000}");
        check(problems, admin, "GET", "/admin/budgets/users/{user}", "/admin/budgets/users/someone", null);
        check(problems, admin, "GET", "/admin/budgets", "/admin/budgets?order=desc", null);
        check(problems, admin, "DELETE", "/admin/budgets/users/{user}", "/admin/budgets/users/someone", null);
        check(problems, api, "DELETE", "/schedules/{id}", "/schedules/" + scid, null);
        check(problems, api, "DELETE", "/agents/{id}", "/agents/" + aid, null);
        check(problems, api, "DELETE", "/session/{id}", "/session/" + sid, null);

        // errors: the problem members, under the status the document names
        check(problems, api, "GET", "/session/{id}", "/session/00000000-0000-4000-8000-000000000000", null);
        check(problems, api, "POST", "/query", "/query", "{\"prompt\":5}");
        check(problems, api, "GET", "/sessions", "/sessions?order=sideways", null);
        check(problems, api, "GET", "/jobs/{id}/artifacts", "/jobs/" + jid + "/artifacts?limit=0", null);
        check(problems, api, "GET", "/session/{id}/queue", "/session/" + sid + "/queue?order=sideways", null);
        check(problems, api, "GET", "/usage", "/usage?from=someday", null);
        check(problems, api.as(null), "GET", "/jobs", "/jobs", null);
        check(problems, api, "GET", "/admin/dead-letters", "/admin/dead-letters", null);
        check(problems, api, "PATCH", "/session/{id}", "/session/" + sid, "{\"model\":\"x\"}");

        assertEquals(List.of(), problems, "answers that do not follow the OpenAPI document");

        // every operation the document lists was called, but the streams (no JSON body to check)
        var uncalled = new ArrayList<String>();
        document.getJsonObject("paths").forEach((template, operations) -> operations.asJsonObject().keySet().forEach(method -> {
            var operation = method.toUpperCase() + " " + template;
            if (!STREAMS.contains(operation) && CHECKED.stream().noneMatch(c -> c.startsWith(operation + " "))) {
                uncalled.add(operation);
            }
        }));
        assertEquals(List.of(), uncalled, "documented operations this test does not call");
    }

    static final Set<String> STREAMS = Set.of("GET /events", "GET /query_stream", "GET /ws");


    /** Calls a route and checks its body against the document; answers the body. */
    static JsonObject check(List<String> problems, Api as, String method, String template, String path, String body) {
        var response = body == null ? as.send(method, path, null, null) : as.send(method, path, "application/json", body);
        return check(problems, method, template, response);
    }

    static JsonObject check(List<String> problems, String method, String template, Api.Response response) {
        var where = method + " " + template + " " + response.status();
        CHECKED.add(where);
        var operations = document.getJsonObject("paths").getJsonObject(template);
        if (operations == null || !operations.containsKey(method.toLowerCase())) {
            problems.add(where + ": the document has no such operation");
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        var responses = operations.getJsonObject(method.toLowerCase()).getJsonObject("responses");
        if (!responses.containsKey(Integer.toString(response.status()))) {
            problems.add(where + ": a status the document does not give: " + response.body());
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        var described = resolve(responses.getJsonObject(Integer.toString(response.status())));
        if (response.body().isEmpty()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        var value = Json.createReader(new StringReader(response.body())).readValue();
        var content = described.getJsonObject("content");
        if (content == null || content.isEmpty()) {
            problems.add(where + ": a body the document does not describe");
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        var type = response.contentType().split(";")[0].strip();
        var media = content.containsKey(type) ? content.getJsonObject(type) : null;
        if (media == null) {
            problems.add(where + ": content type " + type + " is not in " + content.keySet());
        } else if (media.containsKey("schema")) {
            conform(problems, where, media.getJsonObject("schema"), value);
        }
        return value instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
    }

    static JsonObject resolve(JsonObject node) {
        while (node.containsKey("$ref")) {
            JsonValue target = document;
            for (var part : node.getString("$ref").substring(2).split("/")) {
                target = target.asJsonObject().get(part);
            }
            node = target.asJsonObject();
        }
        return node;
    }

    /**
     * A schema's types: OpenAPI 3.0 (Payara Server 6) names one and marks null with {@code nullable},
     * OpenAPI 3.1 (Payara Micro 7) lists them, {@code "null"} among them where null is allowed.
     */
    static List<String> types(JsonObject schema) {
        var type = schema.get("type");
        if (type instanceof JsonString one) {
            return List.of(one.getString());
        }
        return type instanceof JsonArray many ? many.getValuesAs(JsonString::getString) : List.of();
    }

    /** Whether an object schema allows members it does not list; {@code {"not": {}}} allows none, as false does. */
    static boolean open(JsonObject schema) {
        var additional = schema.get("additionalProperties");
        if (additional == null || additional == JsonValue.FALSE) {
            return false;
        }
        return !(additional instanceof JsonObject object && object.size() == 1
                && object.get("not") instanceof JsonObject not && not.isEmpty());
    }

    static void conform(List<String> problems, String where, JsonObject schemaOrRef, JsonValue value) {
        var schema = resolve(schemaOrRef);
        var types = types(schema);
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            if (!schema.getBoolean("nullable", false) && !types.isEmpty() && !types.contains("null")) {
                problems.add(where + ": null where the document says " + types);
            }
            return;
        }
        if (schema.containsKey("allOf")) {
            schema.getJsonArray("allOf").forEach(part -> conform(problems, where, part.asJsonObject(), value));
            return;
        }
        var type = types.stream().filter(t -> !t.equals("null")).findFirst()
                .orElse(schema.containsKey("properties") ? "object" : "");
        switch (type) {
            case "object" -> {
                if (!(value instanceof JsonObject object)) {
                    problems.add(where + ": not an object: " + value);
                    return;
                }
                for (var required : schema.getJsonArray("required") == null ? List.<JsonValue>of() : schema.getJsonArray("required")) {
                    if (!object.containsKey(((JsonString) required).getString())) {
                        problems.add(where + ": the required " + required + " is missing");
                    }
                }
                var properties = schema.getJsonObject("properties");
                if (properties == null) {
                    return; // a free-form object (metadata, arguments)
                }
                for (var member : object.entrySet()) {
                    if (properties.containsKey(member.getKey())) {
                        conform(problems, where + "." + member.getKey(), properties.getJsonObject(member.getKey()), member.getValue());
                    } else if (!open(schema)) {
                        problems.add(where + ": '" + member.getKey() + "' is not in the document");
                    }
                }
            }
            case "array" -> {
                if (!(value instanceof JsonArray array)) {
                    problems.add(where + ": not an array: " + value);
                    return;
                }
                var items = schema.getJsonObject("items");
                if (items != null) {
                    array.forEach(item -> conform(problems, where + "[]", items, item));
                }
            }
            case "string" -> {
                if (!(value instanceof JsonString string)) {
                    problems.add(where + ": not a string: " + value);
                } else if (schema.containsKey("enum") && !schema.getJsonArray("enum").contains(string)) {
                    problems.add(where + ": " + string + " is not one of " + schema.getJsonArray("enum"));
                }
            }
            case "integer" -> {
                if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
                    problems.add(where + ": not an integer: " + value);
                }
            }
            case "number" -> {
                if (!(value instanceof JsonNumber)) {
                    problems.add(where + ": not a number: " + value);
                }
            }
            case "boolean" -> {
                if (value.getValueType() != JsonValue.ValueType.TRUE && value.getValueType() != JsonValue.ValueType.FALSE) {
                    problems.add(where + ": not a boolean: " + value);
                }
            }
            default -> {
                // no type given: anything
            }
        }
    }
}
