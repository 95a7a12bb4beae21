package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Budgets through the real server: administrators set and lift them, prompts and jobs beyond
 * them are refused with when they reset, a running prompt that crosses one stops, and a user sees
 * what is left in {@code GET /usage}. Token counts come from the echo model (a word is a token):
 * {@code hello} in a new session costs 1 input and 2 output tokens ({@code echo: hello}).
 */
class BudgetsIT {

    static RafikiServer server;
    static Api admin;

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        admin = new Api(server.base(), server.tokenFor("budgets-admin", "user", "admin"));
    }

    /** A user no other test (or earlier run on the shared server) has spent anything as. */
    static String unique(String prefix) {
        return "budgets-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonObject put(String path, String body) {
        var response = admin.send("PUT", path, "application/json", body);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static void refused(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    static Api.Response hello(Api api, String... fields) {
        var body = Json.createObjectBuilder().add("prompt", "hello");
        for (int i = 0; i < fields.length; i += 2) {
            body.add(fields[i], fields[i + 1]);
        }
        return api.post("/query", body.build().toString());
    }

    static JsonObject answered(Api.Response response) {
        assertEquals(200, response.status(), response.body());
        assertEquals("completed", response.json().getString("status"), response.body());
        return response.json();
    }

    /** A budget refusal: 429 with Retry-After and resets_at that agree, at the end of the current UTC window. */
    static JsonObject overBudget(Api.Response response, String window) {
        refused(response, 429, "budget-exceeded");
        var problem = response.json();
        var resetsAt = Instant.parse(problem.getString("resets_at"));
        var today = LocalDate.now(ZoneOffset.UTC);
        var next = window.equals("day") ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
        assertEquals(next.atStartOfDay(ZoneOffset.UTC).toInstant(), resetsAt, problem.toString());
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertEquals(problem.getJsonNumber("retry_after").longValue(), retryAfter);
        long untilReset = Duration.between(Instant.now(), resetsAt).toSeconds();
        assertTrue(retryAfter >= 1 && Math.abs(retryAfter - untilReset) <= 5, retryAfter + " s vs " + untilReset + " s");
        assertEquals(window, problem.getString("window"));
        return problem;
    }

    static JsonObject usageBudget(Api api, String scope) {
        var budgets = api.get("/usage").json().getJsonArray("budgets");
        return budgets.stream().map(JsonObject.class::cast).filter(b -> b.getString("scope").equals(scope)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + scope + " budget in " + budgets));
    }

    @Test
    void aUserBudgetAllowsPromptsUntilItIsSpentThenRefusesUntilItIsLifted() {
        var user = unique("spent");
        var api = server.api(user);
        var set = put("/admin/budgets/users/" + user, "{\"window\":\"day\",\"max_tokens\":6}");
        assertEquals("user", set.getString("scope"));
        assertEquals(user, set.getString("user"));
        assertEquals("day", set.getString("window"));
        assertEquals(6, set.getJsonNumber("max_tokens").longValue());
        assertEquals(Json.createObjectBuilder().add("limit", 6).add("used", 0).add("remaining", 6).build(),
                set.getJsonObject("tokens"));
        assertEquals("budgets-admin", set.getString("updated_by"));
        assertFalse(set.containsKey("tool_seconds"), "no tool-time limit was set");

        answered(hello(api));
        assertEquals(3, usageBudget(api, "user").getJsonObject("tokens").getInt("remaining"));
        answered(hello(api));

        var problem = overBudget(hello(api), "day");
        assertEquals("user", problem.getString("scope"));
        assertEquals(user, problem.getString("user"));

        var usage = api.get("/usage").json();
        var budget = usageBudget(api, "user");
        assertEquals(Json.createObjectBuilder().add("limit", 6).add("used", 6).add("remaining", 0).build(),
                budget.getJsonObject("tokens"));
        assertEquals(problem.getString("resets_at"), budget.getString("resets_at"));
        assertEquals(2, usage.getJsonObject("today").getInt("input_tokens"), usage.toString());
        assertEquals(4, usage.getJsonObject("today").getInt("output_tokens"), usage.toString());
        assertEquals(2, usage.getInt("prompts"), "the refused prompt was never accepted");
        assertEquals(6, admin.get("/admin/budgets/users/" + user).json().getJsonObject("tokens").getInt("used"));

        // a job is refused the same way, over the job route, with nothing created
        overBudget(api.post("/submit", "{\"prompt\":\"hello\"}"), "day");
        assertEquals(0, api.get("/jobs").json().getJsonArray("items").size());

        assertEquals(204, admin.delete("/admin/budgets/users/" + user).status());
        refused(admin.get("/admin/budgets/users/" + user), 404, "not-found");
        answered(hello(api));
        assertEquals(List.of(), api.get("/usage").json().getJsonArray("budgets"), "no budget left");
    }

    @Test
    void aRunningPromptThatCrossesItsBudgetStopsAtItsNextModelTurnAndKeepsWhatItDid() {
        var user = unique("crossing");
        var api = server.api(user);
        // turn 1 costs 3 tokens ("/tools" and the script in, the call's "{}" out); turn 2 crosses 4
        put("/admin/budgets/users/" + user, "{\"window\":\"month\",\"max_tokens\":4}");
        var call = "{\"name\":\"list_files\",\"arguments\":{}}";
        var script = "/tools [" + call + "," + call + "," + call + "]";

        var response = api.post("/query", Json.createObjectBuilder().add("prompt", script).build().toString());
        assertEquals(200, response.status(), response.body());
        var prompt = response.json();
        assertEquals("failed", prompt.getString("status"), prompt.toString());
        assertEquals("budget-exceeded", prompt.getJsonObject("error").getString("code"));
        var stored = api.get("/session/" + prompt.getString("session_id") + "/prompts/" + prompt.getString("id")).json();
        assertEquals(2, stored.getInt("steps"), "two turns of the four the script asks for");
        var spent = stored.getJsonObject("usage");
        assertTrue(spent.getInt("input_tokens") + spent.getInt("output_tokens") >= 4, stored.toString());

        var roles = api.messages(prompt.getString("session_id")).stream().map(m -> m.getString("role")).toList();
        assertEquals(List.of("user", "assistant", "tool", "assistant", "tool"), roles, "the partial run is kept");
        assertEquals(0, usageBudget(api, "user").getJsonObject("tokens").getInt("remaining"));
        overBudget(hello(api), "month");
    }

    @Test
    void whatAPromptOnTheDurableQueueSpendsCountsToo() {
        var user = unique("durable");
        var api = server.api(user);
        put("/admin/budgets/users/" + user, "{\"window\":\"day\",\"max_tokens\":1000}");
        var session = api.createSession();
        // the session is busy with a slow prompt, so the next one waits on the durable queue
        var slow = api.post("/query", "{\"prompt\":\"/slow 300 a b c\",\"session_id\":\"" + session + "\"}",
                "Prefer", "respond-async");
        assertEquals(202, slow.status(), slow.body());
        var queued = answered(hello(api, "session_id", session));
        var first = api.get("/session/" + session + "/prompts/" + slow.json().getString("id")).json();
        assertEquals("completed", first.getString("status"), first.toString());

        long spent = 0;
        for (var prompt : List.of(first, queued)) {
            var usage = prompt.getJsonObject("usage");
            spent += usage.getInt("input_tokens") + usage.getInt("output_tokens");
        }
        var today = api.get("/usage").json().getJsonObject("today");
        assertEquals(spent, today.getInt("input_tokens") + today.getInt("output_tokens"), today.toString());
        assertEquals(spent, usageBudget(api, "user").getJsonObject("tokens").getInt("used"));
    }

    @Test
    void usageOverAWindowAddsUpItsUtcDays() {
        var user = unique("window");
        var api = server.api(user);
        answered(hello(api));
        answered(hello(api));
        var plain = api.get("/usage").json();
        assertFalse(plain.containsKey("window"), "no window unless asked: " + plain);
        var today = plain.getJsonObject("today");
        assertEquals(6, today.getInt("input_tokens") + today.getInt("output_tokens"), today.toString());

        var todayStart = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
        var since = api.get("/usage?from=" + todayStart.minusDays(6)).json();
        var window = since.getJsonObject("window");
        assertEquals(since.getJsonObject("today"), window.getJsonObject("usage"), "nothing before today: " + since);
        assertEquals(todayStart.minusDays(6) + "T00:00:00Z", window.getString("from"));
        assertEquals(todayStart.plusDays(1) + "T00:00:00Z", window.getString("to"), "through today by default");

        var before = api.get("/usage?from=" + todayStart.minusDays(6) + "T00:00:00Z&to=" + todayStart).json();
        assertEquals(0, before.getJsonObject("window").getJsonObject("usage").getInt("output_tokens"), before.toString());
        var asAdmin = admin.get("/usage?owner=" + user + "&from=" + todayStart).json();
        assertEquals(since.getJsonObject("today"), asAdmin.getJsonObject("window").getJsonObject("usage"));

        refused(api.get("/usage?from=yesterday"), 400, "validation-failed");
        refused(api.get("/usage?from=" + todayStart + "T10:00:00Z"), 400, "validation-failed");
        refused(api.get("/usage?to=" + todayStart), 400, "validation-failed");
        refused(api.get("/usage?from=" + todayStart + "&to=" + todayStart), 400, "validation-failed");
        refused(api.get("/usage?from=" + todayStart.minusDays(400)), 400, "validation-failed");
    }

    @Test
    void aDelayedJobThatComesDueBeyondItsBudgetFailsWithBudgetExceeded() {
        var user = unique("delayed");
        var api = server.api(user);
        put("/admin/budgets/users/" + user, "{\"window\":\"day\",\"max_tokens\":3}");
        var runAt = Instant.now().plusSeconds(4).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // accepted: it may come due in another window; it is asked again when it starts
        var submitted = api.post("/submit", "{\"prompt\":\"later\",\"run_at\":\"" + runAt + "\"}");
        assertEquals(202, submitted.status(), submitted.body());
        var jobId = submitted.json().getString("id");
        answered(hello(api));

        var job = Await.until("the delayed job to end", Duration.ofSeconds(90), () -> api.get("/jobs/" + jobId).json(),
                j -> List.of("completed", "failed", "cancelled").contains(j.getString("status")));
        assertEquals("failed", job.getString("status"), job.toString());
        assertEquals("budget-exceeded", job.getJsonObject("error").getString("code"), job.toString());
        assertEquals(1, job.getInt("attempts"), "a spent budget is not retried");
    }

    @Test
    void aProfileBudgetAppliesOnlyToPromptsThatRunWithTheProfile() {
        var user = unique("profile");
        var api = server.api(user);
        var created = api.post("/agents", "{\"name\":\"" + unique("agent") + "\",\"instructions\":\"Be brief.\"}");
        assertEquals(201, created.status(), created.body());
        var agentId = created.json().getString("id");
        var set = put("/admin/budgets/agents/" + agentId, "{\"window\":\"month\",\"max_tokens\":3}");
        assertEquals("agent", set.getString("scope"));
        assertEquals(agentId, set.getString("agent_id"));

        var first = answered(hello(api, "agent", agentId));
        var problem = overBudget(hello(api, "agent", agentId), "month");
        assertEquals("agent", problem.getString("scope"));
        assertEquals(agentId, problem.getString("agent_id"));
        // the session the first prompt created runs with the profile too
        overBudget(hello(api, "session_id", first.getString("session_id")), "month");
        // without the profile the user has no budget at all
        answered(hello(api));
        assertEquals(0, usageBudget(api, "agent").getJsonObject("tokens").getInt("remaining"));
        assertEquals(agentId, usageBudget(api, "agent").getString("agent_id"));
        assertEquals(List.of(), server.api(unique("other")).get("/usage").json().getJsonArray("budgets"),
                "another user cannot use the profile: its budget is not theirs to see");

        assertEquals(204, admin.delete("/admin/budgets/agents/" + agentId).status());
        answered(hello(api, "agent", agentId));
    }

    @Test
    void onlyAdministratorsSetReadOrLiftBudgets() {
        var user = unique("nosy");
        var api = server.api(user);
        refused(api.send("PUT", "/admin/budgets/users/" + user, "application/json", "{\"window\":\"day\",\"max_tokens\":1000000}"),
                403, "forbidden");
        refused(api.get("/admin/budgets"), 403, "forbidden");
        refused(api.get("/admin/budgets/users/" + user), 403, "forbidden");
        refused(api.delete("/admin/budgets/users/" + user), 403, "forbidden");
        refused(api.send("PUT", "/admin/budgets/agents/" + UUID.randomUUID(), "application/json",
                "{\"window\":\"day\",\"max_tokens\":1}"), 403, "forbidden");
        refused(admin.get("/admin/budgets/users/" + user), 404, "not-found");
    }

    @Test
    void badBudgetsAreRefusedWithAStableCode() {
        var path = "/admin/budgets/users/" + unique("bad");
        for (var body : List.of("{\"window\":\"day\",\"max_tokens\":-1}", "{\"window\":\"day\",\"max_tool_seconds\":-5}",
                "{\"window\":\"week\",\"max_tokens\":10}", "{\"max_tokens\":10}", "{\"window\":\"day\"}",
                "{\"window\":\"day\",\"max_tokens\":1.5}", "{\"window\":\"day\",\"max_tokens\":\"ten\"}", "[]")) {
            refused(admin.send("PUT", path, "application/json", body), 400, "validation-failed");
        }
        refused(admin.send("PUT", path, "application/json", "{\"window\":"), 400, "malformed-json");
        refused(admin.get(path), 404, "not-found");
        refused(admin.send("PUT", "/admin/budgets/agents/" + UUID.randomUUID(), "application/json",
                "{\"window\":\"day\",\"max_tokens\":1}"), 404, "not-found");
        refused(admin.get("/admin/budgets?scope=team"), 400, "validation-failed");
    }

    @Test
    void theBudgetListPagesThroughEveryBudget() {
        var users = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            users.add(unique("listed"));
            put("/admin/budgets/users/" + users.get(i), "{\"window\":\"month\",\"max_tool_seconds\":" + (60 + i) + "}");
        }
        var seen = new ArrayList<String>();
        String cursor = null;
        do {
            var page = admin.get("/admin/budgets?scope=user&limit=2" + (cursor == null ? ""
                    : "&after=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(200, page.status(), page.body());
            var items = page.json().getJsonArray("items");
            assertTrue(items.size() <= 2, page.body());
            items.forEach(item -> seen.add(item.asJsonObject().getString("user")));
            cursor = page.json().containsKey("next_cursor") ? page.json().getString("next_cursor") : null;
        } while (cursor != null);
        assertTrue(seen.containsAll(users), seen.toString());
        assertEquals(seen.size(), seen.stream().distinct().count(), "no budget twice");
        // backwards, two at a time: the same budgets in reverse
        var backwards = admin.pages("/admin/budgets?scope=user&order=desc", 2).stream().map(b -> b.getString("user"))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        java.util.Collections.reverse(backwards);
        assertEquals(seen, backwards);
        refused(admin.get("/admin/budgets?order=up"), 400, "validation-failed");
    }
}
