package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Agent;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.NewSession;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.Session;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Agent profiles through the real server: CRUD, versions and paging, validation, who sees and
 * changes what, and what a profile does to a prompt, checked where it matters: on the wire to the
 * (fake) model provider, and in the prompt's and the session's views. Through the Java client; raw
 * {@link Api} calls remain only where the wire itself is tested.
 */
class AgentProfilesIT {

    static RafikiServer server;
    static FakeModelProviders models;
    static Api aliceApi;
    static RafikiClient alice;
    static RafikiClient bob;
    static RafikiClient admin;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        models = SharedServer.models();
        aliceApi = server.api("profiles-alice");
        alice = server.client("profiles-alice");
        bob = server.client("profiles-bob");
        admin = RafikiClient.builder(server.base()).token(server.tokenFor("profiles-admin", "user", "admin")).build();
    }

    @AfterAll
    static void stop() {
        alice.close();
        bob.close();
        admin.close();
    }

    /** A name no other test (or earlier run on the shared server) uses. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new java.io.StringReader(text))) {
            return reader.readObject();
        }
    }

    static Agent created(RafikiClient as, String body) {
        return as.agents().create(json(body));
    }

    static Agent put(RafikiClient as, UUID id, String body) {
        return as.agents().replace(id, json(body));
    }

    static void refused(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    /** The refusal as the client reports it: its status and the problem's code. */
    static RafikiException refused(Executable call, int status, String code) {
        var refused = assertThrows(RafikiException.class, call);
        assertEquals(status, refused.status(), refused.getMessage());
        assertEquals(code, refused.code(), refused.getMessage());
        return refused;
    }

    static String profile(String name, String model, String instructions) {
        var body = Json.createObjectBuilder().add("name", name).add("instructions", instructions);
        if (model != null) {
            body.add("model", model);
        }
        return body.build().toString();
    }

    /** A new session pinned to a profile (id or name), its latest version or {@code version}. */
    static Session session(RafikiClient as, String agent, Integer version) {
        return as.sessions().create(NewSession.empty().withAgent(agent, version));
    }

    static Prompt query(RafikiClient as, UUID sessionId, String prompt) {
        return as.query(QueryRequest.of(prompt).inSession(sessionId));
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
        var id = v1.id();
        assertEquals(1, v1.version());
        assertEquals("profiles-alice", v1.owner());
        assertFalse(v1.shared());
        assertEquals("always", v1.approval().getString("write_file"));
        assertEquals(3, v1.limits().maxSteps());
        assertEquals(0.5, v1.temperature());

        // raw: the create's 201 and its Location header are the wire
        var located = aliceApi.post("/agents", "{\"name\":\"" + unique("located") + "\"}");
        assertEquals(201, located.status(), located.body());
        assertEquals("/agents/" + located.json().getString("id"), java.net.URI.create(located.header("Location")).getPath());

        var v2 = put(alice, id, "{\"name\":\"" + name + "\",\"instructions\":\"second\"}");
        assertEquals(2, v2.version());
        assertEquals(id, v2.id());

        var latest = alice.agents().get(id);
        assertEquals(2, latest.version());
        assertEquals(2, latest.latestVersion());
        assertEquals("second", latest.instructions());
        assertNull(latest.tools(), "v2 names no tools: every tool");

        var old = alice.agents().version(id, 1);
        assertEquals(1, old.version());
        assertEquals(2, old.latestVersion());
        assertEquals("first", old.instructions());
        assertEquals(List.of("read_file"), old.tools());
        refused(() -> alice.agents().version(id, 3), 404, "not-found");
        refused(() -> alice.agents().version(id, 0), 404, "not-found");
        // raw: a version that is no number cannot be asked for through the client
        refused(aliceApi.get("/agents/" + id + "/versions/abc"), 404, "not-found");

        alice.agents().delete(id);
        refused(() -> alice.agents().get(id), 404, "not-found");
        refused(() -> put(alice, id, "{\"name\":\"" + name + "\"}"), 404, "not-found");
        assertTrue(listAll(alice).stream().noneMatch(a -> a.id().equals(id)));
        // what was pinned stays readable, and the name is free again
        assertTrue(alice.agents().version(id, 1).deleted());
        refused(() -> session(alice, id.toString(), null), 404, "not-found");
        assertEquals(1, created(alice, "{\"name\":\"" + name + "\"}").version());
    }

    static List<Agent> listAll(RafikiClient as) {
        return pages(as, ListOptions.limit(2));
    }

    /** Every profile the caller sees, two at a time in the options' order. */
    static List<Agent> pages(RafikiClient as, ListOptions options) {
        var all = new ArrayList<Agent>();
        String cursor = null;
        do {
            var page = as.agents().list(options.after(cursor));
            assertTrue(page.items().size() <= 2, page.toString());
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    @Test
    void theListIsPagedOldestFirst() {
        var subject = unique("profiles-carol");
        try (var carol = server.client(subject)) {
            var names = new ArrayList<String>();
            for (int i = 0; i < 5; i++) {
                names.add(created(carol, "{\"name\":\"page-" + i + "\"}").name());
            }
            var first = carol.agents().list(ListOptions.limit(2));
            assertEquals(2, first.items().size());
            assertNotNull(first.nextCursor());

            // shared profiles of other tests may be listed too: carol's own come in the order she made them
            Function<List<Agent>, List<String>> hers = agents -> agents.stream().filter(a -> a.owner().equals(subject))
                    .map(Agent::name).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
            assertEquals(names, hers.apply(listAll(carol)));
            // newest first, two at a time: the same profiles backwards, each once
            var backwards = hers.apply(pages(carol, ListOptions.limit(2).descending()));
            java.util.Collections.reverse(backwards);
            assertEquals(names, backwards);
            refused(() -> carol.agents().list(ListOptions.limit(0)), 400, "validation-failed");
            refused(() -> carol.agents().list(ListOptions.first().after("not-an-id")), 400, "validation-failed");
        }
        // raw: an order the client cannot send
        refused(server.api(subject).get("/agents?order=sideways"), 400, "validation-failed");
    }

    @Test
    void badDefinitionsAreRefusedWithStableCodes() {
        var name = unique("valid");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"tools\":[\"read_file\",\"rm_rf\"]}"), 400, "unknown-tool");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"approval\":{\"write_file\":\"maybe\"}}"), 400,
                "validation-failed");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"approval\":{\"launch_rockets\":\"never\"}}"), 400,
                "unknown-tool");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"instructions\":\"" + "x".repeat(100_001) + "\"}"), 413,
                "payload-too-large");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"model\":\"nowhere/model\"}"), 400, "validation-failed");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"limits\":{\"max_steps\":-1}}"), 400, "validation-failed");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"instructons\":\"typo\"}"), 400, "validation-failed");
        // raw: a body that is no object and a key given twice cannot be built as a JsonObject
        refused(aliceApi.post("/agents", "[]"), 400, "validation-failed");
        refused(aliceApi.post("/agents", "{\"name\":\"" + name + "\",\"name\":\"twice\"}"), 400, "json-duplicate-key");
        // none of it was stored: the name is still free
        var first = created(alice, "{\"name\":\"" + name + "\"}");
        refused(() -> created(alice, "{\"name\":\"" + name + "\"}"), 409, "agent-name-taken");
        var other = created(alice, "{\"name\":\"" + name + "-2\"}");
        refused(() -> put(alice, other.id(), "{\"name\":\"" + name + "\"}"), 409, "agent-name-taken");
        // another user may use the same name
        assertEquals(name, created(bob, "{\"name\":\"" + name + "\"}").name());
        assertEquals(1, alice.agents().get(first.id()).version());
    }

    @Test
    void aSessionKeepsTheVersionItStartedWith() {
        var name = unique("pinned");
        var id = created(alice, profile(name, "openai/gpt-4o-mini", "V1: answer in French")).id();
        var session = session(alice, name, null);
        var sessionId = session.id();
        assertEquals(id, session.agent().id());
        assertEquals(1, session.agent().version());
        assertEquals("openai/gpt-4o-mini", session.model(), "the profile's model");

        put(alice, id, profile(name, "openai/gpt-4o-mini", "V2: answer in German"));

        var marker = "pinned " + UUID.randomUUID();
        var answer = query(alice, sessionId, marker);
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals(1, answer.agent().version());
        var system = openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0);
        assertEquals("system", system.getString("role"));
        assertEquals("V1: answer in French", system.getString("content"));

        var later = session(alice, id.toString(), null);
        assertEquals(2, later.agent().version());
        var marker2 = "latest " + UUID.randomUUID();
        query(alice, later.id(), marker2);
        assertEquals("V2: answer in German", openAiRequestFor(marker2).getJsonArray("messages").getJsonObject(0)
                .getString("content"));

        assertEquals(1, session(alice, name, 1).agent().version());
        refused(() -> session(alice, name, 3), 404, "not-found");
        refused(() -> alice.sessions().create(new NewSession(null, null, null, 1, null)), 400, "validation-failed");

        // deleting the profile does not break the sessions pinned to it
        alice.agents().delete(id);
        var marker3 = "after delete " + UUID.randomUUID();
        assertEquals("completed", query(alice, sessionId, marker3).status());
        assertEquals("V1: answer in French", openAiRequestFor(marker3).getJsonArray("messages").getJsonObject(0)
                .getString("content"));
    }

    @Test
    void onePromptCanNameAnotherProfile() {
        var name = unique("override");
        var id = created(alice, profile(name, "openai/gpt-4o-mini", "Only for this prompt")).id();
        var sessionId = alice.sessions().create().id();

        var marker = "override " + UUID.randomUUID();
        var answer = alice.query(QueryRequest.of(marker).inSession(sessionId).withAgent(name));
        assertEquals("openai says: " + marker, answer.answer(), "the profile's model answered");
        assertEquals(id, answer.agent().id());
        assertEquals(1, answer.agent().version());
        assertEquals("Only for this prompt", openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0)
                .getString("content"));

        var view = alice.sessions().prompt(sessionId, answer.id());
        assertEquals(id, view.agent().id());
        assertEquals(1, view.agent().version());
        assertEquals("openai/gpt-4o-mini", view.model());

        // the session itself has no profile: the next prompt runs as before
        var plain = query(alice, sessionId, "plain");
        assertEquals("echo: plain", plain.answer());
        assertNull(plain.agent(), plain.toString());
        assertNull(alice.sessions().get(sessionId).agent());

        // a request's own model wins over the profile's
        var echoed = alice.query(QueryRequest.of("mine").inSession(sessionId).withAgent(id.toString()).withModel("echo"));
        assertEquals("echo: mine", echoed.answer());
        assertEquals(id, echoed.agent().id());

        // a prompt that creates its session pins the profile for the prompts that follow
        var fresh = alice.query(QueryRequest.of("start " + UUID.randomUUID()).withAgent(name));
        assertEquals(id, alice.sessions().get(fresh.sessionId()).agent().id());
        var follow = query(alice, fresh.sessionId(), "follow-up " + UUID.randomUUID());
        assertTrue(follow.answer().startsWith("openai says: "), follow.toString());
        assertEquals(id, follow.agent().id());

        refused(() -> alice.query(QueryRequest.of("x").withAgent("no-such-agent")), 404, "not-found");
        // raw: an agent that is no string cannot be named through the typed request
        refused(aliceApi.post("/query", "{\"prompt\":\"x\",\"agent\":12}"), 400, "validation-failed");

        // a retry after the profile was deleted still gets its first answer
        // raw: the replay is told apart by its Idempotent-Replayed header, on the wire
        var key = UUID.randomUUID().toString();
        var body = Json.createObjectBuilder().add("prompt", "keyed").add("agent", name).build().toString();
        var first = aliceApi.post("/query", body, "Idempotency-Key", key);
        assertEquals(200, first.status(), first.body());
        alice.agents().delete(id);
        var retry = aliceApi.post("/query", body, "Idempotency-Key", key);
        assertEquals(200, retry.status(), retry.body());
        assertEquals("true", retry.header("Idempotent-Replayed"));
        assertEquals(first.json().getString("id"), retry.json().getString("id"));
        assertEquals(first.json().getString("id"),
                alice.query(QueryRequest.of("keyed").withAgent(name).withIdempotencyKey(key)).id().toString(),
                "the client's retry with the key gets the same prompt");
        refused(() -> alice.query(QueryRequest.of("keyed").withAgent(name)), 404, "not-found");
    }

    @Test
    void aJobCanNameAProfile() {
        var name = unique("job");
        var id = created(alice, profile(name, null, "job instructions")).id();
        var job = alice.jobs().submit(SubmitRequest.of("a job").withAgent(name));
        assertEquals(id, job.agent().id());
        assertEquals(id, alice.sessions().prompt(job.sessionId(), job.id()).agent().id());
        refused(() -> alice.jobs().submit(SubmitRequest.of("a job").withAgent("no-such-agent")), 404, "not-found");
    }

    @Test
    void anotherUsersProfileDoesNotExistForYou() {
        var name = unique("private");
        var id = created(alice, profile(name, null, "secret instructions")).id();

        refused(() -> bob.agents().get(id), 404, "not-found");
        refused(() -> bob.agents().version(id, 1), 404, "not-found");
        refused(() -> put(bob, id, "{\"name\":\"stolen\"}"), 404, "not-found");
        refused(() -> bob.agents().delete(id), 404, "not-found");
        refused(() -> session(bob, id.toString(), null), 404, "not-found");
        refused(() -> session(bob, name, null), 404, "not-found");
        refused(() -> bob.query(QueryRequest.of("x").withAgent(id.toString())), 404, "not-found");
        refused(() -> bob.query(QueryRequest.of("x").withAgent(name)), 404, "not-found");
        assertTrue(listAll(bob).stream().noneMatch(a -> a.id().equals(id)));
        assertEquals(1, alice.agents().get(id).version(), "nothing bob did changed it");
    }

    @Test
    void aSharedProfileIsVisibleToAllAndChangedOnlyByAdministrators() {
        var name = unique("shared");
        refused(() -> created(alice, "{\"name\":\"" + name + "\",\"shared\":true}"), 403, "forbidden");
        var shared = created(admin, "{\"name\":\"" + name + "\",\"shared\":true,\"instructions\":\"house rules\"}");
        var id = shared.id();
        assertTrue(shared.shared());

        assertEquals("house rules", bob.agents().get(id).instructions());
        assertTrue(listAll(bob).stream().anyMatch(a -> a.id().equals(id)));
        refused(() -> put(bob, id, "{\"name\":\"" + name + "\"}"), 403, "forbidden");
        refused(() -> bob.agents().delete(id), 403, "forbidden");
        refused(() -> created(admin, "{\"name\":\"" + name + "\",\"shared\":true}"), 409, "agent-name-taken");

        assertEquals(id, session(bob, name, null).agent().id());

        var v2 = put(admin, id, "{\"name\":\"" + name + "\",\"instructions\":\"new house rules\"}");
        assertEquals(2, v2.version());
        refused(() -> put(admin, id, "{\"name\":\"" + name + "\",\"shared\":false}"), 400, "validation-failed");
        admin.agents().delete(id);
        refused(() -> admin.agents().get(id), 404, "not-found");
    }

    @Test
    void theModelSeesTheInstructionsAndOnlyTheAllowedTools() {
        var name = unique("readonly");
        created(alice, "{\"name\":\"" + name + "\",\"model\":\"openai/gpt-4o-mini\",\"instructions\":\"Read, never write.\","
                + "\"tools\":[\"read_file\",\"list_files\"]}");
        var sessionId = session(alice, name, null).id();

        // the model asks for a tool it was not offered: refused as a tool error, nothing written
        var marker = "script:{\"tools\":[{\"name\":\"write_file\",\"arguments\":{\"path\":\"x.txt\",\"content\":\""
                + UUID.randomUUID() + "\"}},{\"name\":\"read_file\",\"arguments\":{\"path\":\"x.txt\"}}],\"answer\":\"finished\"}";
        var answer = query(alice, sessionId, marker);
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("finished", answer.answer());

        var request = openAiRequestFor(marker);
        assertEquals("Read, never write.", request.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(List.of("list_files", "read_file"), openAiTools(request).stream().sorted().toList());

        var results = alice.sessions().messages(sessionId).stream().filter(m -> "tool".equals(m.role())).toList();
        assertEquals(2, results.size(), results.toString());
        assertTrue(results.get(0).error());
        assertTrue(results.get(0).content().contains("not allowed"), results.get(0).toString());
        assertTrue(results.get(1).error(), "x.txt was never written: " + results.get(1));

        // the same on the Anthropic wire: the system field and the tools
        var anthropic = unique("claude");
        created(alice, "{\"name\":\"" + anthropic + "\",\"model\":\"anthropic/claude-sonnet-4-5\","
                + "\"instructions\":\"Be Claude.\",\"tools\":[\"read_file\"],\"max_tokens\":321,\"temperature\":0.3}");
        int before = models.anthropicRequests.size();
        var claude = alice.query(QueryRequest.of("please write it").withAgent(anthropic));
        assertTrue(claude.answer().contains("not allowed"), claude.toString());
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
        var answer = alice.query(QueryRequest.of(marker).withAgent(name));
        assertEquals("failed", answer.status(), answer.toString());
        assertEquals("step-limit", answer.error().code());
        assertEquals(1, alice.sessions().prompt(answer.sessionId(), answer.id()).steps());
    }

    @Test
    void aPromptQueuedBehindAnotherRunsWithItsSessionsVersionToo() {
        var name = unique("durable");
        var id = created(alice, profile(name, null, "Queued instructions")).id();
        var sessionId = session(alice, name, null).id();
        // the session is busy with a slow echo prompt, so the next one takes the durable queue
        var slow = alice.start(QueryRequest.of("/slow 300 one two three four").inSession(sessionId));
        var marker = "queued " + UUID.randomUUID();
        var queued = alice.query(QueryRequest.of(marker).inSession(sessionId).withModel("openai/gpt-4o-mini"));

        assertEquals("completed", queued.status(), queued.toString());
        assertTrue(queued.number() > slow.number());
        assertEquals(id, queued.agent().id());
        assertEquals("Queued instructions", openAiRequestFor(marker).getJsonArray("messages").getJsonObject(0)
                .getString("content"));
        assertEquals(1, alice.sessions().prompt(sessionId, slow.id()).agent().version());
    }

    @Test
    void aQueryStreamPromptFrameCanNameAProfile() throws Exception {
        var name = unique("stream");
        var id = created(alice, profile(name, "openai/gpt-4o-mini", "Streamed instructions")).id();
        var marker = "streamed " + UUID.randomUUID();
        var types = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var ended = alice.queryStream(QueryRequest.of(marker).withAgent(name), event -> types.add(event.type()))
                .result().get(60, TimeUnit.SECONDS);
        assertEquals("completed", ended.status(), ended.toString());
        assertEquals("prompt.completed", types.get(types.size() - 1), types.toString());
        var view = alice.sessions().prompt(ended.sessionId(), ended.id());
        assertEquals(id, view.agent().id());
        assertEquals("openai says: " + marker, view.answer());

        var refusal = assertThrows(ExecutionException.class, () -> alice.queryStream(QueryRequest.of("x").withAgent("no-such-agent"),
                event -> { }).result().get(60, TimeUnit.SECONDS));
        assertTrue(refusal.getCause() instanceof RafikiException, String.valueOf(refusal.getCause()));
        assertEquals("not-found", ((RafikiException) refusal.getCause()).code(), refusal.getCause().toString());
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
                    .build();
            var refusal = refused(() -> alice.agents().create(body), 400, "url-not-allowed");
            assertTrue(refusal.detail().contains("mcp_servers[0].url"), refusal.getMessage());
        }
    }
}
