package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Message;
import dev.rafiki.client.NewSession;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RafikiException;
import dev.rafiki.client.Tool;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.McpTestServer;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * MCP tools through the real server against real MCP servers (the official SDK's server side on
 * Jetty, Streamable HTTP on the wire): discovered, offered to the model under wire-safe names only
 * where a profile allows them, called with the operator's credentials, their results and failures
 * (an error result, a server that hangs, one that dies mid-call, a stopped prompt) stored as tool
 * results while the prompt goes on, and a call given up on cancelled on the server. A user
 * registers an MCP server on a profile of their own: its tools serve that profile's prompts only,
 * and its credentials are never shown. Through the Java client; raw {@link Api} calls remain only
 * where a whole view's body is searched for the credentials.
 */
class McpToolsIT {

    static final String TOKEN = "mcp-secret-" + UUID.randomUUID();

    static FakeModelProviders models;
    static McpTestServer demo;
    static McpTestServer mortal;
    static McpTestServer legacy;
    static RafikiServer server;
    static Api api;
    static RafikiClient rafiki;
    static RafikiClient other;

    @BeforeAll
    static void start() throws Exception {
        models = new FakeModelProviders();
        demo = new McpTestServer("demo", TOKEN);
        mortal = new McpTestServer("mortal", TOKEN);
        legacy = McpTestServer.sse("legacy", TOKEN);
        var secrets = Files.createTempDirectory("mcp-secrets");
        var headerFile = secrets.resolve("demo-headers");
        Files.writeString(headerFile, "# sent with every request to demo\nX-Tenant: acme\n");
        var tokenFile = secrets.resolve("mortal-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        server = RafikiServer.start("mcp", RafikiServer.env(
                "RAFIKI_PROVIDER_OPENAI_BASE_URL", models.openAiBaseUrl(),
                "RAFIKI_PROVIDER_OPENAI_API_KEY", FakeModelProviders.OPENAI_KEY,
                "RAFIKI_MCP_DEMO_URL", demo.url(),
                "RAFIKI_MCP_DEMO_BEARER_TOKEN", TOKEN,
                "RAFIKI_MCP_DEMO_HEADER_FILE", headerFile.toString(),
                "RAFIKI_MCP_DEMO_TIMEOUT_SECONDS", "3",
                // the same server under a second name, patient enough that only a stop ends a hanging call
                "RAFIKI_MCP_PATIENT_URL", demo.url(),
                "RAFIKI_MCP_PATIENT_BEARER_TOKEN", TOKEN,
                "RAFIKI_MCP_PATIENT_TIMEOUT_SECONDS", "100",
                "RAFIKI_MCP_MORTAL_URL", mortal.url(),
                "RAFIKI_MCP_MORTAL_BEARER_TOKEN_FILE", tokenFile.toString(),
                "RAFIKI_MCP_MORTAL_TIMEOUT_SECONDS", "20",
                "RAFIKI_MCP_LEGACY_URL", legacy.url(),
                "RAFIKI_MCP_LEGACY_TRANSPORT", "sse",
                "RAFIKI_MCP_LEGACY_BEARER_TOKEN", TOKEN,
                // registered, but refuses Rafiki (no token): its tools are not known
                "RAFIKI_MCP_LOCKED_URL", demo.url(),
                // the test's MCP servers listen on loopback: profiles may register them only because of this
                "RAFIKI_MCP_ALLOW_PRIVATE_NETWORKS", "true"));
        api = server.api("mcp-user");
        rafiki = server.client("mcp-user");
        other = server.client("mcp-other-user");
    }

    @AfterAll
    static void stop() {
        if (rafiki != null) {
            rafiki.close();
            other.close();
        }
        if (server != null) {
            server.stop();
        }
        demo.close();
        mortal.close();
        legacy.close();
        models.close();
    }

    static String agent(String... tools) {
        var name = "mcp-" + UUID.randomUUID().toString().substring(0, 8);
        var list = Json.createArrayBuilder();
        for (var tool : tools) {
            list.add(tool);
        }
        rafiki.agents().create(Json.createObjectBuilder().add("name", name).add("model", "openai/gpt-4o-mini")
                .add("tools", list).build());
        return name;
    }

    static String script(String tool, String arguments) {
        return "script:{\"tools\":[{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}],\"nonce\":\"" + UUID.randomUUID() + "\"}";
    }

    static Prompt query(String agent, String prompt) {
        return rafiki.query(QueryRequest.of(prompt).withAgent(agent));
    }

    static List<Message> messages(Prompt answer, String role) {
        return rafiki.sessions().messages(answer.sessionId()).stream().filter(m -> role.equals(m.role())).toList();
    }

    /** The refusal as the client reports it: its status and the problem's code. */
    static RafikiException refused(Executable call, int status, String code) {
        var refused = assertThrows(RafikiException.class, call);
        assertEquals(status, refused.status(), refused.getMessage());
        if (code != null) {
            assertEquals(code, refused.code(), refused.getMessage());
        }
        return refused;
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new java.io.StringReader(text))) {
            return reader.readObject();
        }
    }

    static JsonObject requestFor(String marker) {
        return models.openAiRequests.stream()
                .filter(r -> r.getJsonArray("messages").stream().map(JsonObject.class::cast)
                        .anyMatch(m -> !m.isNull("content") && marker.equals(m.getString("content", ""))))
                .findFirst().orElseThrow(() -> new AssertionError("the model never saw " + marker));
    }

    static List<String> offered(JsonObject request) {
        return !request.containsKey("tools") ? List.of() : request.getJsonArray("tools").stream()
                .map(t -> t.asJsonObject().getJsonObject("function").getString("name")).sorted().toList();
    }

    @Test
    void anAllowedMcpToolIsOfferedCalledWithTheOperatorsHeadersAndItsResultStored() {
        var agent = agent("demo.echo", "read_file");
        int before = demo.calls("echo");
        // the model calls the name it was offered: dots are not allowed in function names
        var prompt = script("demo__echo", "{\"text\":\"hello from the model\"}");
        var answer = query(agent, prompt);

        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("done: echo: hello from the model", answer.answer());
        assertEquals(before + 1, demo.calls("echo"));
        assertEquals(List.of("demo__echo", "read_file"), offered(requestFor(prompt)));
        assertTrue(demo.tenants.contains("acme"), "the header file's header was sent: " + demo.tenants);

        // users see the tool by its Rafiki name
        var call = messages(answer, "assistant").get(0).toolCalls().getJsonObject(0);
        assertEquals("demo.echo", call.getString("name"), call.toString());
        var result = messages(answer, "tool").get(0);
        assertEquals(Boolean.FALSE, result.error(), result.toString());
        assertEquals("echo: hello from the model", result.content());
    }

    @Test
    void aServerOnTheOlderHttpSseTransportWorksToo() {
        int before = legacy.calls("echo");
        var answer = query(agent("legacy.echo"), script("legacy__echo", "{\"text\":\"over SSE\"}"));

        assertEquals("completed", answer.status(), answer.toString());
        assertEquals(before + 1, legacy.calls("echo"));
        var result = messages(answer, "tool").get(0);
        assertEquals(Boolean.FALSE, result.error(), result.toString());
        assertEquals("echo: over SSE", result.content());
    }

    @Test
    void anMcpToolIsOfferedOnlyWhereTheProfileNamesIt() {
        int before = demo.calls("echo");
        var prompt = script("demo__echo", "{\"text\":\"not for you\"}");
        var answer = query(agent("read_file"), prompt);

        assertEquals("completed", answer.status(), answer.toString());
        assertEquals(List.of("read_file"), offered(requestFor(prompt)));
        var result = messages(answer, "tool").get(0);
        assertEquals(Boolean.TRUE, result.error(), result.toString());
        assertTrue(result.content().contains("not allowed"), result.toString());

        // a session without a profile: every built-in tool, no MCP tool, and a call to one is refused
        var plain = "script:{\"tools\":[{\"name\":\"demo.echo\",\"arguments\":{\"text\":\"x\"}}],\"nonce\":\"" + UUID.randomUUID() + "\"}";
        var unprofiled = rafiki.query(QueryRequest.of(plain).withModel("openai/gpt-4o-mini"));
        assertEquals("completed", unprofiled.status(), unprofiled.toString());
        assertTrue(offered(requestFor(plain)).stream().noneMatch(name -> name.startsWith("demo")), offered(requestFor(plain)).toString());
        assertEquals(Boolean.TRUE, messages(unprofiled, "tool").get(0).error());
        assertEquals(before, demo.calls("echo"), "a tool that was not allowed ran");
    }

    @Test
    void theToolListShowsBuiltInAndDiscoveredMcpTools() {
        var items = rafiki.agents().tools();
        var readFile = items.stream().filter(t -> "read_file".equals(t.name())).findFirst().orElseThrow();
        assertEquals("built-in", readFile.source());
        var echo = items.stream().filter(t -> "demo.echo".equals(t.name())).findFirst()
                .orElseThrow(() -> new AssertionError("demo.echo not listed: " + items));
        assertEquals("mcp", echo.source());
        assertEquals("demo", echo.server());
        assertEquals("Says the text back", echo.description());
        assertEquals("string", echo.parameters().getJsonObject("properties").getJsonObject("text").getString("type"));
        assertTrue(items.stream().anyMatch(t -> "patient.hang".equals(t.name())));
        assertTrue(items.stream().noneMatch(t -> t.name().startsWith("locked.")), "the refused server's tools are unknown");
    }

    @Test
    void aToolTheServerAddsIsKnownOnceItSaysTheListChanged() {
        var name = "added_" + UUID.randomUUID().toString().substring(0, 8);
        refused(() -> rafiki.agents().create(json("{\"name\":\"mcp-early\",\"tools\":[\"demo." + name + "\"]}")), 400, null);

        demo.addTool(name);

        // well within the list's TTL (300 s): only the notification can make it known
        Await.until("demo." + name + " in GET /tools", java.time.Duration.ofSeconds(30),
                () -> rafiki.agents().tools().stream().map(Tool::name).toList(), names -> names.contains("demo." + name));
        var answer = query(agent("demo." + name), script("demo__" + name, "{}"));
        assertEquals(name + " here", messages(answer, "tool").get(0).content());
    }

    @Test
    void aProfileNamesOnlyToolsThatExist() {
        for (var tool : List.of("demo.nosuch", "nosuch.echo", "locked.echo")) {
            var definition = json("{\"name\":\"mcp-bad-" + UUID.randomUUID().toString().substring(0, 8)
                    + "\",\"tools\":[\"" + tool + "\"]}");
            refused(() -> rafiki.agents().create(definition), 400, "unknown-tool");
        }
    }

    @Test
    void anErrorResultReachesTheModelAsAToolError() {
        var answer = query(agent("demo.fail"), script("demo__fail", "{}"));

        assertEquals("completed", answer.status(), answer.toString());
        var result = messages(answer, "tool").get(0);
        assertEquals(Boolean.TRUE, result.error(), result.toString());
        assertEquals("the database is on fire", result.content());
        // the OpenAI wire marks a failed tool's result: the fake model answers with what it was sent
        assertEquals("done: Error: the database is on fire", answer.answer());
    }

    @Test
    void aServerThatHangsIsAbandonedAtItsTimeoutAndThePromptGoesOn() {
        var before = demo.callIds("hang");
        var answer = query(agent("demo.hang"), script("demo__hang", "{}"));
        demo.release();

        assertEquals("completed", answer.status(), answer.toString());
        var result = messages(answer, "tool").get(0);
        assertEquals(Boolean.TRUE, result.error(), result.toString());
        assertTrue(result.content().contains("did not answer hang within 3 s"), result.toString());
        // the server is told that nobody waits for the call any more
        var call = newCall(before, demo.callIds("hang"));
        var reason = Await.until("notifications/cancelled for " + call, java.time.Duration.ofSeconds(30),
                () -> demo.cancelled.get(call), java.util.Objects::nonNull);
        assertTrue(reason.contains("no answer within 3 s"), reason);
    }

    /** The one call of {@code now} that is not in {@code before}. */
    static String newCall(List<String> before, List<String> now) {
        var added = new java.util.ArrayList<>(now);
        added.removeAll(before);
        assertEquals(1, added.size(), "calls before " + before + ", now " + now);
        return added.get(0);
    }

    @Test
    void aStoppedPromptAbandonsTheCallAndTellsTheServer() throws Exception {
        var before = demo.callIds("hang");
        var agent = agent("patient.hang");
        var sessionId = rafiki.sessions().create(NewSession.empty().withAgent(agent, null)).id();
        var pending = CompletableFuture.supplyAsync(() -> rafiki.query(QueryRequest.of(script("patient__hang", "{}"))
                .inSession(sessionId)));
        for (int i = 0; i < 600 && demo.hanging.get() == 0; i++) {
            RafikiServer.sleep(100);
        }
        assertEquals(1, demo.hanging.get(), "the call never reached the MCP server");

        rafiki.sessions().stop(sessionId, false);
        var answer = pending.get();
        // ended while the server still holds the call: the call was abandoned, not waited for
        int stillHanging = demo.hanging.get();
        assertEquals("cancelled", answer.status(), answer.toString());
        assertEquals(1, stillHanging);
        var call = newCall(before, demo.callIds("hang"));
        var reason = Await.until("notifications/cancelled for " + call, java.time.Duration.ofSeconds(30),
                () -> demo.cancelled.get(call), java.util.Objects::nonNull);
        demo.release();
        assertEquals("the prompt was stopped", reason);
    }

    static JsonObject ownServer(String name, String url, String authorization, String tenant) {
        return Json.createObjectBuilder().add("name", name).add("url", url).add("headers", Json.createObjectBuilder()
                .add("Authorization", authorization).add("X-Tenant", tenant)).build();
    }

    static JsonObject ownAgent(String name, JsonObject server, String... tools) {
        var list = Json.createArrayBuilder();
        for (var tool : tools) {
            list.add(tool);
        }
        return Json.createObjectBuilder().add("name", name).add("model", "openai/gpt-4o-mini").add("tools", list)
                .add("mcp_servers", Json.createArrayBuilder().add(server)).build();
    }

    @Test
    void aUserRegistersAnMcpServerOnTheirProfileWhosePromptsAloneUseItAndItsSecretsAreNeverShown() {
        var name = "own-" + UUID.randomUUID().toString().substring(0, 8);
        var tenant = "tenant-" + UUID.randomUUID();
        // raw: the create's whole body, members no typed view reads included, must not carry the secrets
        var created = api.post("/agents", ownAgent(name, ownServer("mine", demo.url(), "Bearer " + TOKEN, tenant), "mine.echo")
                .toString());
        assertEquals(201, created.status(), created.body());
        var id = UUID.fromString(created.json().getString("id"));

        int before = demo.calls("echo");
        var prompt = script("mine__echo", "{\"text\":\"from my own server\"}");
        var answer = query(name, prompt);
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals("done: echo: from my own server", answer.answer());
        assertEquals(before + 1, demo.calls("echo"));
        assertTrue(demo.tenants.contains(tenant), "the profile's own headers were sent");
        assertEquals(List.of("mine__echo"), offered(requestFor(prompt)), "only what its tools allow");
        assertEquals("mine.echo", messages(answer, "assistant").get(0).toolCalls().getJsonObject(0).getString("name"));
        assertTrue(rafiki.agents().tools().stream().noneMatch(t -> t.name().startsWith("mine.")),
                "a profile's server is not the operator's");

        // no view shows the credentials
        var shown = rafiki.agents().get(id).mcpServers().get(0);
        assertEquals("[redacted]", shown.headers().get("Authorization"), shown.toString());
        assertEquals(demo.url(), shown.url());
        // raw: every view's whole body is searched, not only the members the client reads
        for (var view : List.of(created.body(), api.get("/agents/" + id).body(), api.get("/agents/" + id + "/versions/1").body(),
                api.get("/agents?limit=200").body())) {
            assertFalse(view.contains(TOKEN) || view.contains(tenant), view);
        }

        // a new version that sends the redacted values back keeps them
        // raw: the new version's whole body is searched for the secret too
        var replaced = api.send("PUT", "/agents/" + id, "application/json",
                ownAgent(name, ownServer("mine", demo.url(), "[redacted]", "[redacted]"), "mine.echo").toString());
        assertEquals(200, replaced.status(), replaced.body());
        assertFalse(replaced.body().contains(TOKEN), replaced.body());
        var again = query(name, script("mine__echo", "{\"text\":\"still mine\"}"));
        assertEquals("done: echo: still mine", again.answer(), again.toString());

        // another user can neither use the profile nor call its server's tools from a profile of theirs
        refused(() -> other.agents().get(id), 404, null);
        refused(() -> other.query(QueryRequest.of("hi").withAgent(id.toString())), 404, null);
        refused(() -> other.agents().create(json("{\"name\":\"borrow\",\"tools\":[\"mine.echo\"]}")), 400, "unknown-tool");
    }

    @Test
    void aProfilesServerTakesNoNameOfTheOperatorsAndOneThatRefusesRafikiOffersNoTool() {
        refused(() -> rafiki.agents().create(ownAgent("own-taken", ownServer("demo", demo.url(), "Bearer " + TOKEN, "t"),
                "demo.echo")), 409, "mcp-server-name-taken");

        var name = "own-" + UUID.randomUUID().toString().substring(0, 8);
        rafiki.agents().create(ownAgent(name, ownServer("wrong", demo.url(), "Bearer nope", "t"), "wrong.echo"));
        int before = demo.calls("echo");
        var prompt = script("wrong__echo", "{\"text\":\"x\"}");
        var answer = query(name, prompt);
        assertEquals("completed", answer.status(), answer.toString());
        assertEquals(List.of(), offered(requestFor(prompt)), "its tools were never listed");
        assertEquals(Boolean.TRUE, messages(answer, "tool").get(0).error());
        assertEquals(before, demo.calls("echo"));
    }

    @Test
    void aServerThatDiesMidCallIsAToolErrorAndThePromptGoesOn() {
        var agent = agent("mortal.crash");
        var answer = query(agent, script("mortal__crash", "{}"));

        assertEquals("completed", answer.status(), answer.toString());
        var result = messages(answer, "tool").get(0);
        assertEquals(Boolean.TRUE, result.error(), result.toString());
        assertTrue(result.content().contains("mortal"), result.toString());

        // and once it is gone: the call is answered at once with why
        var again = query(agent, script("mortal__crash", "{}"));
        assertEquals("completed", again.status(), again.toString());
        var gone = messages(again, "tool").get(0);
        assertEquals(Boolean.TRUE, gone.error(), gone.toString());
        assertTrue(gone.content().contains("mortal"), gone.toString());
    }
}
