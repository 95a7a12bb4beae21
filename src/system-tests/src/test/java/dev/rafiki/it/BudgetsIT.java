package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.client.Job;
import dev.rafiki.client.ListOptions;
import dev.rafiki.client.Message;
import dev.rafiki.client.Prompt;
import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.SubmitRequest;
import dev.rafiki.client.UserUsage;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Budgets through the real server: administrators set and lift them, prompts and jobs beyond
 * them are refused with when they reset, a running prompt that crosses one stops, and a user sees
 * what is left in {@code GET /usage}. Token counts come from the echo model (a word is a token):
 * {@code hello} in a new session costs 1 input and 2 output tokens ({@code echo: hello}). Through
 * the Java client; raw {@link Api} calls remain only where the wire itself is tested: every
 * refusal's problem+json, and a budget refusal's {@code Retry-After} header beside its body.
 */
class BudgetsIT {

    static RafikiServer server;
    static Api admin;
    static RafikiClient adminClient;
    static final List<RafikiClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        var token = server.tokenFor("budgets-admin", "user", "admin");
        admin = new Api(server.base(), token);
        adminClient = RafikiClient.builder(server.base()).token(token).build();
    }

    @AfterAll
    static void stop() {
        adminClient.close();
        clients.forEach(RafikiClient::close);
    }

    /** A user no other test (or earlier run on the shared server) has spent anything as. */
    static String unique(String prefix) {
        return "budgets-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The user's client, closed after the class. */
    static RafikiClient client(String user) {
        var client = server.client(user);
        clients.add(client);
        return client;
    }

    static void refused(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals(code, response.json().getString("code"), response.body());
    }

    /** Raw, for the refusals {@link #overBudget} reads off the wire. */
    static Api.Response hello(Api api, String... fields) {
        var body = Json.createObjectBuilder().add("prompt", "hello");
        for (int i = 0; i < fields.length; i += 2) {
            body.add(fields[i], fields[i + 1]);
        }
        return api.post("/query", body.build().toString());
    }

    static Prompt answered(Prompt prompt) {
        assertEquals("completed", prompt.status(), prompt.toString());
        return prompt;
    }

    /**
     * A budget refusal: 429 with Retry-After and resets_at that agree, at the end of the current
     * UTC window. Raw: the client reads Retry-After from the header or else the body, so only the
     * wire shows that the header is there and agrees.
     */
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

    static UserUsage.Budget usageBudget(RafikiClient rafiki, String scope) {
        var budgets = rafiki.usage().budgets();
        return budgets.stream().filter(b -> b.scope().equals(scope)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + scope + " budget in " + budgets));
    }

    /** The users of every user budget, read {@code limit} at a time in the options' order. */
    static List<String> budgetUsers(ListOptions order) {
        var users = new ArrayList<String>();
        String cursor = null;
        do {
            var page = adminClient.admin().budgets("user", order.after(cursor));
            assertTrue(page.items().size() <= order.limit(), page.toString());
            page.items().forEach(budget -> users.add(budget.user()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return users;
    }

    @Test
    void aUserBudgetAllowsPromptsUntilItIsSpentThenRefusesUntilItIsLifted() {
        var user = unique("spent");
        var api = server.api(user);
        var rafiki = client(user);
        var set = adminClient.admin().setUserBudget(user, "day", 6L, null);
        assertEquals("user", set.scope());
        assertEquals(user, set.user());
        assertEquals("day", set.window());
        assertEquals(Long.valueOf(6), set.maxTokens());
        assertEquals(new UserUsage.Tokens(6, 0, 6), set.tokens());
        assertEquals("budgets-admin", set.updatedBy());
        assertNull(set.toolSeconds(), "no tool-time limit was set");

        answered(rafiki.query("hello"));
        assertEquals(3, usageBudget(rafiki, "user").tokens().remaining());
        answered(rafiki.query("hello"));

        var problem = overBudget(hello(api), "day");
        assertEquals("user", problem.getString("scope"));
        assertEquals(user, problem.getString("user"));

        var usage = rafiki.usage();
        var budget = usageBudget(rafiki, "user");
        assertEquals(new UserUsage.Tokens(6, 6, 0), budget.tokens());
        assertEquals(Instant.parse(problem.getString("resets_at")), budget.resetsAt());
        assertEquals(2, usage.today().inputTokens(), usage.toString());
        assertEquals(4, usage.today().outputTokens(), usage.toString());
        assertEquals(2, usage.prompts(), "the refused prompt was never accepted");
        assertEquals(6, adminClient.admin().userBudget(user).tokens().used());

        // a job is refused the same way, over the job route, with nothing created
        overBudget(api.post("/submit", "{\"prompt\":\"hello\"}"), "day");
        assertEquals(List.of(), rafiki.jobs().list(ListOptions.first()).items());

        adminClient.admin().clearUserBudget(user);
        // raw: the refusal's problem+json
        refused(admin.get("/admin/budgets/users/" + user), 404, "not-found");
        answered(rafiki.query("hello"));
        assertEquals(List.of(), rafiki.usage().budgets(), "no budget left");
    }

    @Test
    void aRunningPromptThatCrossesItsBudgetStopsAtItsNextModelTurnAndKeepsWhatItDid() {
        var user = unique("crossing");
        var api = server.api(user);
        var rafiki = client(user);
        // turn 1 costs 3 tokens ("/tools" and the script in, the call's "{}" out); turn 2 crosses 4
        adminClient.admin().setUserBudget(user, "month", 4L, null);
        var call = "{\"name\":\"list_files\",\"arguments\":{}}";
        var script = "/tools [" + call + "," + call + "," + call + "]";

        var prompt = rafiki.query(script);
        assertEquals("failed", prompt.status(), prompt.toString());
        assertEquals("budget-exceeded", prompt.error().code());
        var stored = rafiki.sessions().prompt(prompt.sessionId(), prompt.id());
        assertEquals(2, stored.steps(), "two turns of the four the script asks for");
        var spent = stored.usage();
        assertTrue(spent.inputTokens() + spent.outputTokens() >= 4, stored.toString());

        var roles = rafiki.sessions().messages(prompt.sessionId()).stream().map(Message::role).toList();
        assertEquals(List.of("user", "assistant", "tool", "assistant", "tool"), roles, "the partial run is kept");
        assertEquals(0, usageBudget(rafiki, "user").tokens().remaining());
        overBudget(hello(api), "month");
    }

    @Test
    void whatAPromptOnTheDurableQueueSpendsCountsToo() {
        var user = unique("durable");
        var rafiki = client(user);
        adminClient.admin().setUserBudget(user, "day", 1000L, null);
        var session = rafiki.sessions().create().id();
        // the session is busy with a slow prompt, so the next one waits on the durable queue
        var slow = rafiki.start(QueryRequest.of("/slow 300 a b c").inSession(session));
        assertFalse(slow.terminal(), slow.toString());
        var queued = answered(rafiki.query(QueryRequest.of("hello").inSession(session)));
        var first = rafiki.sessions().prompt(session, slow.id());
        assertEquals("completed", first.status(), first.toString());

        long spent = 0;
        for (var prompt : List.of(first, queued)) {
            spent += prompt.usage().inputTokens() + prompt.usage().outputTokens();
        }
        var today = rafiki.usage().today();
        assertEquals(spent, today.inputTokens() + today.outputTokens(), today.toString());
        assertEquals(spent, usageBudget(rafiki, "user").tokens().used());
    }

    @Test
    void usageOverAWindowAddsUpItsUtcDays() {
        var user = unique("window");
        var api = server.api(user);
        var rafiki = client(user);
        answered(rafiki.query("hello"));
        answered(rafiki.query("hello"));
        var plain = rafiki.usage();
        assertNull(plain.window(), "no window unless asked: " + plain);
        var today = plain.today();
        assertEquals(6, today.inputTokens() + today.outputTokens(), today.toString());

        var todayStart = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
        var since = rafiki.usage(todayStart.minusDays(6), null);
        var window = since.window();
        assertEquals(since.today(), window.usage(), "nothing before today: " + since);
        assertEquals(Instant.parse(todayStart.minusDays(6) + "T00:00:00Z"), window.from());
        assertEquals(Instant.parse(todayStart.plusDays(1) + "T00:00:00Z"), window.to(), "through today by default");

        // raw: a from written as midnight UTC, a form the client (whole days) does not send
        var before = api.get("/usage?from=" + todayStart.minusDays(6) + "T00:00:00Z&to=" + todayStart).json();
        assertEquals(0, before.getJsonObject("window").getJsonObject("usage").getInt("output_tokens"), before.toString());
        var asAdmin = adminClient.admin().usage(user, todayStart, null);
        assertEquals(since.today(), asAdmin.window().usage());

        // raw: malformed windows, and the refusals' problem+json
        refused(api.get("/usage?from=yesterday"), 400, "validation-failed");
        refused(api.get("/usage?from=" + todayStart + "T10:00:00Z"), 400, "validation-failed");
        refused(api.get("/usage?to=" + todayStart), 400, "validation-failed");
        refused(api.get("/usage?from=" + todayStart + "&to=" + todayStart), 400, "validation-failed");
        refused(api.get("/usage?from=" + todayStart.minusDays(400)), 400, "validation-failed");
    }

    @Test
    void aDelayedJobThatComesDueBeyondItsBudgetFailsWithBudgetExceeded() {
        var user = unique("delayed");
        var rafiki = client(user);
        adminClient.admin().setUserBudget(user, "day", 3L, null);
        var runAt = Instant.now().plusSeconds(4).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // accepted: it may come due in another window; it is asked again when it starts
        var jobId = rafiki.jobs().submit(SubmitRequest.of("later").at(OffsetDateTime.ofInstant(runAt, ZoneOffset.UTC))).id();
        answered(rafiki.query("hello"));

        var job = Await.until("the delayed job to end", Duration.ofSeconds(90), () -> rafiki.jobs().get(jobId), Job::terminal);
        assertEquals("failed", job.status(), job.toString());
        assertEquals("budget-exceeded", job.error().code(), job.toString());
        assertEquals(1, job.attempts(), "a spent budget is not retried");
    }

    @Test
    void aProfileBudgetAppliesOnlyToPromptsThatRunWithTheProfile() {
        var user = unique("profile");
        var api = server.api(user);
        var rafiki = client(user);
        var agentId = rafiki.agents().create(Json.createObjectBuilder().add("name", unique("agent"))
                .add("instructions", "Be brief.").build()).id();
        var set = adminClient.admin().setAgentBudget(agentId, "month", 3L, null);
        assertEquals("agent", set.scope());
        assertEquals(agentId, set.agentId());

        var withProfile = QueryRequest.of("hello").withAgent(agentId.toString());
        var first = answered(rafiki.query(withProfile));
        var problem = overBudget(hello(api, "agent", agentId.toString()), "month");
        assertEquals("agent", problem.getString("scope"));
        assertEquals(agentId.toString(), problem.getString("agent_id"));
        // the session the first prompt created runs with the profile too
        overBudget(hello(api, "session_id", first.sessionId().toString()), "month");
        // without the profile the user has no budget at all
        answered(rafiki.query("hello"));
        assertEquals(0, usageBudget(rafiki, "agent").tokens().remaining());
        assertEquals(agentId, usageBudget(rafiki, "agent").agentId());
        assertEquals(List.of(), client(unique("other")).usage().budgets(),
                "another user cannot use the profile: its budget is not theirs to see");

        adminClient.admin().clearAgentBudget(agentId);
        answered(rafiki.query(withProfile));
    }

    @Test
    void onlyAdministratorsSetReadOrLiftBudgets() {
        var user = unique("nosy");
        var api = server.api(user);
        // raw: each refusal's problem+json is the point
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
        // raw: bodies the typed call cannot build (no window, numbers that are none), and each refusal's problem+json
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
            adminClient.admin().setUserBudget(users.get(i), "month", null, 60L + i);
        }
        var seen = budgetUsers(ListOptions.limit(2));
        assertTrue(seen.containsAll(users), seen.toString());
        assertEquals(seen.size(), seen.stream().distinct().count(), "no budget twice");
        // backwards, two at a time: the same budgets in reverse
        var backwards = budgetUsers(ListOptions.limit(2).descending());
        java.util.Collections.reverse(backwards);
        assertEquals(seen, backwards);
        // raw: an order the client cannot send, and the refusal's problem+json
        refused(admin.get("/admin/budgets?order=up"), 400, "validation-failed");
    }
}
