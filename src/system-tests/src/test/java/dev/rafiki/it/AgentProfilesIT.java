package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agent profiles through the real server: CRUD, versions and paging, validation, who sees and
 * changes what, and what a profile does to a prompt, checked where it matters: on the wire to the
 * (fake) model provider, and in the prompt's and the session's views.
 */
class AgentProfilesIT {

    static RafikiServer server;
    static FakeModelProviders models;
    static Api alice;
    static Api bob;
    static Api admin;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        models = SharedServer.models();
        alice = server.api("profiles-alice");
        bob = server.api("profiles-bob");
        admin = new Api(server.base(), server.tokenFor("profiles-admin", "user", "admin"));
    }

    /** A name no other test (or earlier run on the shared server) uses. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonObject created(Api api, String body) {
        var response = api.post("/agents", body);
        assertEquals(201, response.status(), response.body());
        assertEquals("/agents/" + response.json().getString("id"), java.net.URI.create(response.header("Location")).getPath());
        return response.json();
    }

    static JsonObject put(Api api, String id, String body) {
        var response = api.send("PUT", "/agents/" + id, "application/json", body);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static void refused(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    static String profile(String name, String model, String instructions) {
        var body = Json.createObjectBuilder().add("name", name).add("instructions", instructions);
        if (model != null) {
            body.add("model", model);
        }
        return body.build().toString();
    }

    static JsonObject query(Api api, JsonObject body) {
        var response = api.post("/query", body.toString());
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    /** The request the fake OpenAI service got for the prompt whose text was {@code marker}. */
    static JsonObject openAiRequestFor(String marker) {
        return models.openAiRequests.stream()
                .filter(r -> r.getJsonArray("messages").stream().map(JsonObject.class::cast)
                        .anyMatch(m -> "user".equals(m.getString("role")) && !m.isNull("content")
                                && marker.equals(m.getString("content", ""))))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("the model never saw " + marker));
    }

    static List<String> openAiTools(JsonObject request) {
        if (!request.containsKey("tools")) {
            return List.of();
        }
        return request.getJsonArray("tools").stream()
                .map(t -> t.asJsonObject().getJsonObject("function").getString("name")).toList();
    }

    @Test
    void createReadReplaceVersionsAndDelete() {
        var name = unique("crud");
        var v1 = created(alice, "{\"name\":\"" + name + "\",\"instructions\":\"first\",\"tools\":[\"read_file\"],"
                + "\"approval\":{\"write_file\":\"always\"},\"limits\":{\"max_steps\":3},\"temperature\":0.5}");
        var id = v1.getString("id");
        assertEquals(1, v1.getInt("version"));
        assertEquals("profiles-alice", v1.getString("owner"));
        assertFalse(v1.getBoolean("shared"));
        assertEquals("always", v1.getJsonObject("approval").getString("write_file"));
        assertEquals(3, v1.getJsonObject("limits").getInt("max_steps"));

        var v2 = put(alice, id, "{\"name\":\"" + name + "\",\"instructions\":\"second\"}");
        assertEquals(2, v2.getInt("version"));
        assertEquals(id, v2.getString("id"));

        var latest = alice.get("/agents/" + id).json();
        assertEquals(2, latest.getInt("version"));
        assertEquals(2, latest.getInt("latest_version"));
        assertEquals("second", latest.getString("instructions"));
        assertFalse(latest.containsKey("tools"), "v2 names no tools: every tool");

        var old = alice.get("/agents/" + id + "/versions/1").json();
        assertEquals(1, old.getInt("version"));
        assertEquals(2, old.getInt("latest_version"));
        assertEquals("first", old.getString("instructions"));
        assertEquals(List.of("read_file"), old.getJsonArray("tools").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList());
        refused(alice.get("/agents/" + id + "/versions/3"), 404, "not-found");
        refused(alice.get("/agents/" + id + "/versions/0"), 404, "not-found");
        refused(alice.get("/agents/" + id + "/versions/abc"), 404, "not-found");

        assertEquals(204, alice.delete("/agents/" + id).status());
        refused(alice.get("/agents/" + id), 404, "not-found");
        refused(alice.send("PUT", "/agents/" + id, "application/json", "{\"name\":\"" + name + "\"}"), 404, "not-found");
        assertTrue(listAll(alice).stream().noneMatch(a -> a.getString("id").equals(id)));
        // what was pinned stays readable, and the name is free again
        assertTrue(alice.get("/agents/" + id + "/versions/1").json().getBoolean("deleted"));
        refused(alice.post("/session", "{\"agent\":\"" + id + "\"}"), 404, "not-found");
        assertEquals(1, created(alice, "{\"name\":\"" + name + "\"}").getInt("version"));
    }

    static List<JsonObject> listAll(Api api) {
        var all = new ArrayList<JsonObject>();
        String cursor = null;
        do {
            var page = api.get("/agents?limit=2" + (cursor == null ? "" : "&after=" + cursor));
            assertEquals(200, page.status(), page.body());
            var items = page.json().getJsonArray("items");
            assertTrue(items.size() <= 2, page.body());
            items.forEach(v -> all.add(v.asJsonObject()));
            cursor = page.json().containsKey("next_cursor") ? page.json().getString("next_cursor") : null;
        } while (cursor != null);
        return all;
    }

    @Test
    void theListIsPagedOldestFirst() {
        var subject = unique("profiles-carol");
        var carol = server.api(subject);
        var names = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            names.add(created(carol, "{\"name\":\"page-" + i + "\"}").getString("name"));
        }
        var first = carol.get("/agents?limit=2").json();
        assertEquals(2, first.getJsonArray("items").size());
        assertNotNull(first.getString("next_cursor"));

        // shared profiles of other tests may be listed too: carol's own come in the order she made them
        var listed = listAll(carol).stream().filter(a -> a.getString("owner").equals(subject))
                .map(a -> a.getString("name")).toList();
        assertEquals(names, listed);
        // newest first, two at a time: the same profiles backwards, each once
        var backwards = carol.pages("/agents?order=desc", 2).stream().filter(a -> a.getString("owner").equals(subject))
                .map(a -> a.getString("name")).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        java.util.Collections.reverse(backwards);
        assertEquals(names, backwards);
        refused(carol.get("/agents?order=sideways"), 400, "validation-failed");
        refused(carol.get("/agents?limit=0"), 400, "validation-failed");
        refused(carol.get("/agents?after=not-an-id"), 400, "validation-failed");
    }

    @Test
    void badDefinitionsAreRefusedWithStableCodes() {
        var name = unique("valid");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"tools\":[\"read_file\",\"rm_rf\"]}"), 400, "unknown-tool");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"approval\":{\"write_file\":\"maybe\"}}"), 400,
                "validation-failed");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"approval\":{\"launch_rockets\":\"never\"}}"), 400,
                "unknown-tool");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"instructions\":\"" + "x".repeat(100_001) + "\"}"), 413,
                "payload-too-large");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"model\":\"nowhere/model\"}"), 400, "validation-failed");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"limits\":{\"max_steps\":-1}}"), 400, "validation-failed");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"instructons\":\"typo\"}"), 400, "validation-failed");
        refused(alice.post("/agents", "[]"), 400, "validation-failed");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"name\":\"twice\"}"), 400, "json-duplicate-key");
        // none of it was stored: the name is still free
        var first = created(alice, "{\"name\":\"" + name + "\"}");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\"}"), 409, "agent-name-taken");
        var other = created(alice, "{\"name\":\"" + name + "-2\"}");
        refused(alice.send("PUT", "/agents/" + other.getString("id"), "application/json", "{\"name\":\"" + name + "\"}"),
                409, "agent-name-taken");
        // another user may use the same name
        assertEquals(name, created(bob, "{\"name\":\"" + name + "\"}").getString("name"));
        assertEquals(1, alice.get("/agents/" + first.getString("id")).json().getInt("version"));
    }

    @Test
    void aSessionKeepsTheVersionItStartedWith() {
        var name = unique("pinned");
        var id = created(alice, profile(name, "openai/gpt-4o-mini", "V1: answer in French")).getString("id");
        var session = alice.post("/session", "{\"agent\":\"" + name + "\"}");
        assertEquals(201, session.status(), session.body());
        var sessionId = session.json().getString("id");
        assertEquals(id, session.json().getJsonObject("agent").getString("id"));
        assertEquals(1, session.json().getJsonObject("agent").getInt("version"));
        assertEquals("openai/gpt-4o-mini", session.json().getString("model"), "the profile's model");

        put(alice, id, profile(name, "openai/gpt-4o-mini", "V2: answer in German"));

        var marker = "pinned " + UUID.randomUUID();
        var answer = alice.query(sessionId, marker);
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals(1, answer.getJsonObject("agent").getInt("version"));
        var system = openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0);
        assertEquals("system", system.getString("role"));
        assertEquals("V1: answer in French", system.getString("content"));

        var later = alice.post("/session", "{\"agent\":\"" + id + "\"}").json();
        assertEquals(2, later.getJsonObject("agent").getInt("version"));
        var marker2 = "latest " + UUID.randomUUID();
        alice.query(later.getString("id"), marker2);
        assertEquals("V2: answer in German", openAiRequestFor(marker2).getJsonArray("messages").getJsonObject(0)
                .getString("content"));

        var chosen = alice.post("/session", "{\"agent\":\"" + name + "\",\"agent_version\":1}").json();
        assertEquals(1, chosen.getJsonObject("agent").getInt("version"));
        refused(alice.post("/session", "{\"agent\":\"" + name + "\",\"agent_version\":3}"), 404, "not-found");
        refused(alice.post("/session", "{\"agent_version\":1}"), 400, "validation-failed");

        // deleting the profile does not break the sessions pinned to it
        assertEquals(204, alice.delete("/agents/" + id).status());
        var marker3 = "after delete " + UUID.randomUUID();
        assertEquals("completed", alice.query(sessionId, marker3).getString("status"));
        assertEquals("V1: answer in French", openAiRequestFor(marker3).getJsonArray("messages").getJsonObject(0)
                .getString("content"));
    }

    @Test
    void onePromptCanNameAnotherProfile() {
        var name = unique("override");
        var id = created(alice, profile(name, "openai/gpt-4o-mini", "Only for this prompt")).getString("id");
        var sessionId = alice.createSession();

        var marker = "override " + UUID.randomUUID();
        var answer = query(alice, Json.createObjectBuilder().add("prompt", marker).add("session_id", sessionId)
                .add("agent", name).build());
        assertEquals("openai says: " + marker, answer.getString("answer"), "the profile's model answered");
        assertEquals(id, answer.getJsonObject("agent").getString("id"));
        assertEquals(1, answer.getJsonObject("agent").getInt("version"));
        assertEquals("Only for this prompt", openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0)
                .getString("content"));

        var view = alice.get("/session/" + sessionId + "/prompts/" + answer.getString("id")).json();
        assertEquals(id, view.getJsonObject("agent").getString("id"));
        assertEquals(1, view.getJsonObject("agent").getInt("version"));
        assertEquals("openai/gpt-4o-mini", view.getString("model"));

        // the session itself has no profile: the next prompt runs as before
        var plain = alice.query(sessionId, "plain");
        assertEquals("echo: plain", plain.getString("answer"));
        assertFalse(plain.containsKey("agent"), plain.toString());
        assertFalse(alice.get("/session/" + sessionId).json().containsKey("agent"));

        // a request's own model wins over the profile's
        var echoed = query(alice, Json.createObjectBuilder().add("prompt", "mine").add("session_id", sessionId)
                .add("agent", id).add("model", "echo").build());
        assertEquals("echo: mine", echoed.getString("answer"));
        assertEquals(id, echoed.getJsonObject("agent").getString("id"));

        // a prompt that creates its session pins the profile for the prompts that follow
        var fresh = query(alice, Json.createObjectBuilder().add("prompt", "start " + UUID.randomUUID()).add("agent", name)
                .build());
        var freshSession = alice.get("/session/" + fresh.getString("session_id")).json();
        assertEquals(id, freshSession.getJsonObject("agent").getString("id"));
        var follow = alice.query(fresh.getString("session_id"), "follow-up " + UUID.randomUUID());
        assertTrue(follow.getString("answer").startsWith("openai says: "), follow.toString());
        assertEquals(id, follow.getJsonObject("agent").getString("id"));

        refused(alice.post("/query", "{\"prompt\":\"x\",\"agent\":\"no-such-agent\"}"), 404, "not-found");
        refused(alice.post("/query", "{\"prompt\":\"x\",\"agent\":12}"), 400, "validation-failed");

        // a retry after the profile was deleted still gets its first answer
        var key = UUID.randomUUID().toString();
        var body = Json.createObjectBuilder().add("prompt", "keyed").add("agent", name).build().toString();
        var first = alice.post("/query", body, "Idempotency-Key", key);
        assertEquals(200, first.status(), first.body());
        assertEquals(204, alice.delete("/agents/" + id).status());
        var retry = alice.post("/query", body, "Idempotency-Key", key);
        assertEquals(200, retry.status(), retry.body());
        assertEquals("true", retry.header("Idempotent-Replayed"));
        assertEquals(first.json().getString("id"), retry.json().getString("id"));
        refused(alice.post("/query", body, "Idempotency-Key", UUID.randomUUID().toString()), 404, "not-found");
    }

    @Test
    void aJobCanNameAProfile() {
        var name = unique("job");
        var id = created(alice, profile(name, null, "job instructions")).getString("id");
        var submitted = alice.post("/submit", "{\"prompt\":\"a job\",\"agent\":\"" + name + "\"}");
        assertEquals(202, submitted.status(), submitted.body());
        var job = submitted.json();
        assertEquals(id, job.getJsonObject("agent").getString("id"));
        var prompt = alice.get("/session/" + job.getString("session_id") + "/prompts/" + job.getString("id")).json();
        assertEquals(id, prompt.getJsonObject("agent").getString("id"));
        refused(alice.post("/submit", "{\"prompt\":\"a job\",\"agent\":\"no-such-agent\"}"), 404, "not-found");
    }

    @Test
    void anotherUsersProfileDoesNotExistForYou() {
        var name = unique("private");
        var id = created(alice, profile(name, null, "secret instructions")).getString("id");

        refused(bob.get("/agents/" + id), 404, "not-found");
        refused(bob.get("/agents/" + id + "/versions/1"), 404, "not-found");
        refused(bob.send("PUT", "/agents/" + id, "application/json", "{\"name\":\"stolen\"}"), 404, "not-found");
        refused(bob.delete("/agents/" + id), 404, "not-found");
        refused(bob.post("/session", "{\"agent\":\"" + id + "\"}"), 404, "not-found");
        refused(bob.post("/session", "{\"agent\":\"" + name + "\"}"), 404, "not-found");
        refused(bob.post("/query", "{\"prompt\":\"x\",\"agent\":\"" + id + "\"}"), 404, "not-found");
        refused(bob.post("/query", "{\"prompt\":\"x\",\"agent\":\"" + name + "\"}"), 404, "not-found");
        assertTrue(listAll(bob).stream().noneMatch(a -> a.getString("id").equals(id)));
        assertEquals(1, alice.get("/agents/" + id).json().getInt("version"), "nothing bob did changed it");
    }

    @Test
    void aSharedProfileIsVisibleToAllAndChangedOnlyByAdministrators() {
        var name = unique("shared");
        refused(alice.post("/agents", "{\"name\":\"" + name + "\",\"shared\":true}"), 403, "forbidden");
        var shared = created(admin, "{\"name\":\"" + name + "\",\"shared\":true,\"instructions\":\"house rules\"}");
        var id = shared.getString("id");
        assertTrue(shared.getBoolean("shared"));

        assertEquals("house rules", bob.get("/agents/" + id).json().getString("instructions"));
        assertTrue(listAll(bob).stream().anyMatch(a -> a.getString("id").equals(id)));
        refused(bob.send("PUT", "/agents/" + id, "application/json", "{\"name\":\"" + name + "\"}"), 403, "forbidden");
        refused(bob.delete("/agents/" + id), 403, "forbidden");
        refused(admin.post("/agents", "{\"name\":\"" + name + "\",\"shared\":true}"), 409, "agent-name-taken");

        var session = bob.post("/session", "{\"agent\":\"" + name + "\"}");
        assertEquals(201, session.status(), session.body());
        assertEquals(id, session.json().getJsonObject("agent").getString("id"));

        var v2 = put(admin, id, "{\"name\":\"" + name + "\",\"instructions\":\"new house rules\"}");
        assertEquals(2, v2.getInt("version"));
        refused(admin.send("PUT", "/agents/" + id, "application/json", "{\"name\":\"" + name + "\",\"shared\":false}"),
                400, "validation-failed");
        assertEquals(204, admin.delete("/agents/" + id).status());
    }

    @Test
    void theModelSeesTheInstructionsAndOnlyTheAllowedTools() {
        var name = unique("readonly");
        created(alice, "{\"name\":\"" + name + "\",\"model\":\"openai/gpt-4o-mini\",\"instructions\":\"Read, never write.\","
                + "\"tools\":[\"read_file\",\"list_files\"]}");
        var sessionId = alice.post("/session", "{\"agent\":\"" + name + "\"}").json().getString("id");

        // the model asks for a tool it was not offered: refused as a tool error, nothing written
        var marker = "script:{\"tools\":[{\"name\":\"write_file\",\"arguments\":{\"path\":\"x.txt\",\"content\":\""
                + UUID.randomUUID() + "\"}},{\"name\":\"read_file\",\"arguments\":{\"path\":\"x.txt\"}}],\"answer\":\"finished\"}";
        var answer = alice.query(sessionId, marker);
        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("finished", answer.getString("answer"));

        var request = openAiRequestFor(marker);
        assertEquals("Read, never write.", request.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(List.of("list_files", "read_file"), openAiTools(request).stream().sorted().toList());

        var results = alice.messages(sessionId).stream().filter(m -> "tool".equals(m.getString("role"))).toList();
        assertEquals(2, results.size(), results.toString());
        assertTrue(results.get(0).getBoolean("error"));
        assertTrue(results.get(0).getString("content").contains("not allowed"), results.get(0).toString());
        assertTrue(results.get(1).getBoolean("error"), "x.txt was never written: " + results.get(1));

        // the same on the Anthropic wire: the system field and the tools
        var anthropic = unique("claude");
        created(alice, "{\"name\":\"" + anthropic + "\",\"model\":\"anthropic/claude-sonnet-4-5\","
                + "\"instructions\":\"Be Claude.\",\"tools\":[\"read_file\"],\"max_tokens\":321,\"temperature\":0.3}");
        int before = models.anthropicRequests.size();
        var claude = query(alice, Json.createObjectBuilder().add("prompt", "please write it").add("agent", anthropic).build());
        assertTrue(claude.getString("answer").contains("not allowed"), claude.toString());
        var sent = models.anthropicRequests.get(before);
        assertEquals("Be Claude.", sent.getString("system"));
        assertEquals(321, sent.getInt("max_tokens"));
        assertEquals(0.3, sent.getJsonNumber("temperature").doubleValue());
        assertEquals(List.of("read_file"), sent.getJsonArray("tools").stream()
                .map(t -> t.asJsonObject().getString("name")).toList());
    }

    @Test
    void aProfileLowersTheStepLimit() {
        var name = unique("short");
        created(alice, "{\"name\":\"" + name + "\",\"model\":\"openai/gpt-4o-mini\",\"limits\":{\"max_steps\":1}}");
        var marker = "script:{\"tools\":[{\"name\":\"list_files\",\"arguments\":{}},{\"name\":\"list_files\",\"arguments\":{}}]}";
        var answer = query(alice, Json.createObjectBuilder().add("prompt", marker).add("agent", name).build());
        assertEquals("failed", answer.getString("status"), answer.toString());
        assertEquals("step-limit", answer.getJsonObject("error").getString("code"));
        assertEquals(1, alice.get("/session/" + answer.getString("session_id") + "/prompts/" + answer.getString("id"))
                .json().getInt("steps"));
    }

    @Test
    void aPromptQueuedBehindAnotherRunsWithItsSessionsVersionToo() {
        var name = unique("durable");
        var id = created(alice, profile(name, null, "Queued instructions")).getString("id");
        var sessionId = alice.post("/session", "{\"agent\":\"" + name + "\"}").json().getString("id");
        // the session is busy with a slow echo prompt, so the next one takes the durable queue
        var slow = alice.post("/query", Json.createObjectBuilder().add("prompt", "/slow 300 one two three four")
                .add("session_id", sessionId).build().toString(), "Prefer", "respond-async");
        assertEquals(202, slow.status(), slow.body());
        var marker = "queued " + UUID.randomUUID();
        var queued = query(alice, Json.createObjectBuilder().add("prompt", marker).add("session_id", sessionId)
                .add("model", "openai/gpt-4o-mini").build());

        assertEquals("completed", queued.getString("status"), queued.toString());
        assertTrue(queued.getJsonNumber("number").longValue() > slow.json().getJsonNumber("number").longValue());
        assertEquals(id, queued.getJsonObject("agent").getString("id"));
        assertEquals("Queued instructions", openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0)
                .getString("content"));
        var first = alice.get("/session/" + sessionId + "/prompts/" + slow.json().getString("id")).json();
        assertEquals(1, first.getJsonObject("agent").getInt("version"));
    }

    @Test
    void aQueryStreamPromptFrameCanNameAProfile() {
        var name = unique("stream");
        var id = created(alice, profile(name, "openai/gpt-4o-mini", "Streamed instructions")).getString("id");
        var marker = "streamed " + UUID.randomUUID();
        try (var ws = dev.rafiki.it.support.WsClient.connect(server, "/query_stream", server.tokenFor("profiles-alice", "user"))) {
            ws.send(Json.createObjectBuilder().add("prompt", marker).add("agent", name).build().toString());
            var accepted = ws.next(java.time.Duration.ofSeconds(60));
            assertEquals("accepted", accepted.getString("type"), accepted.toString());
            var frames = ws.until(dev.rafiki.it.support.WsClient::terminal, java.time.Duration.ofSeconds(60));
            assertEquals("prompt.completed", frames.get(frames.size() - 1).getString("type"));
            var view = alice.get("/session/" + accepted.getString("session_id") + "/prompts/"
                    + accepted.getString("prompt_id")).json();
            assertEquals(id, view.getJsonObject("agent").getString("id"));
            assertEquals("openai says: " + marker, view.getString("answer"));

            ws.send("{\"prompt\":\"x\",\"agent\":\"no-such-agent\"}");
            var refusal = ws.next(java.time.Duration.ofSeconds(60));
            assertEquals("not-found", refusal.getString("code"), refusal.toString());
        }
        assertEquals("Streamed instructions", openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0)
                .getString("content"));
    }

    @Test
    void anMcpServerOfAProfileMayNotBeOnThisMachineOrAPrivateNetworkUnlessTheOperatorAllowsIt() {
        // this server lets webhooks reach loopback (its test receiver is there); MCP servers of profiles it does not
        for (var url : List.of("http://127.0.0.1:9/mcp", "http://localhost:9/mcp", "http://169.254.169.254/latest",
                "http://10.0.0.7/mcp", "http://[::1]:9/mcp", "http://192.0.2.1/mcp")) {
            var body = Json.createObjectBuilder().add("name", unique("mcp-local"))
                    .add("mcp_servers", Json.createArrayBuilder().add(Json.createObjectBuilder().add("name", "mine").add("url", url)))
                    .build().toString();
            var response = alice.post("/agents", body);
            refused(response, 400, "url-not-allowed");
            assertTrue(response.json().getString("detail").contains("mcp_servers[0].url"), response.body());
        }
    }
}
