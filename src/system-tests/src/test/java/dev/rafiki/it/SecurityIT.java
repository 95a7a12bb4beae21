package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Attacks;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.Tokens;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public edge against the running server: forged tokens and claims of the wrong type, other
 * users' ids on every route, stream tokens, administrators, CORS, OPTIONS and WADL, the log a flood
 * of forged tokens leaves, and the problem+json contract of every kind of error.
 */
class SecurityIT {

    static RafikiServer server;
    static Api victim;
    static Api intruder;
    static String sessionId;
    static String promptId;
    static String jobId;

    /** Every route, with a body where it takes one; {S} and {P} are the victim's session and prompt. */
    static final List<String[]> ROUTES = List.of(
            new String[] {"POST", "/query", "{\"prompt\":\"hi\",\"session_id\":\"{S}\"}"},
            new String[] {"POST", "/session", "{}"},
            new String[] {"GET", "/sessions", null},
            new String[] {"GET", "/usage", null},
            new String[] {"GET", "/session/{S}", null},
            new String[] {"GET", "/session/{S}/state", null},
            new String[] {"GET", "/session/{S}/messages", null},
            new String[] {"GET", "/session/{S}/queue", null},
            new String[] {"GET", "/session/{S}/prompts/{P}", null},
            new String[] {"GET", "/session/{S}/events", null},
            new String[] {"DELETE", "/session/{S}/queue/{P}", null},
            new String[] {"POST", "/session/{S}/stop", "{}"},
            new String[] {"POST", "/session/{S}/fork", "{}"},
            new String[] {"POST", "/session/{S}/prompts/{P}/approvals", "{\"tool_call_id\":\"call_1\",\"decision\":\"approve\"}"},
            new String[] {"POST", "/session/{S}/stream-token", "{}"},
            new String[] {"DELETE", "/session/{S}", null},
            new String[] {"GET", "/events?session_id={S}", null},
            new String[] {"POST", "/submit", "{\"prompt\":\"hi\"}"},
            new String[] {"GET", "/jobs", null},
            new String[] {"GET", "/jobs/{J}", null},
            new String[] {"GET", "/jobs/{J}/artifacts", null},
            new String[] {"GET", "/jobs/{J}/artifacts/plan.txt", null},
            new String[] {"POST", "/jobs/{J}/cancel", "{}"},
            new String[] {"POST", "/jobs/{J}/stream-token", "{}"},
            new String[] {"DELETE", "/jobs/{J}", null},
            new String[] {"GET", "/events?job_id={J}", null},
            new String[] {"POST", "/agents", "{\"name\":\"sec-agent\"}"},
            new String[] {"GET", "/agents", null},
            new String[] {"GET", "/tools", null},
            new String[] {"GET", "/session/{S}/files", null},
            new String[] {"GET", "/session/{S}/files/notes.txt", null},
            new String[] {"PUT", "/session/{S}/files/notes.txt", "{\"not\":\"json, a file\"}"},
            new String[] {"DELETE", "/session/{S}/files/notes.txt", null},
            new String[] {"POST", "/session/{S}/files/notes.txt/link", "{}"},
            new String[] {"POST", "/jobs/{J}/artifacts/plan.txt/link", "{}"},
            new String[] {"POST", "/schedules", "{\"cron\":\"0 9 * * *\",\"timezone\":\"UTC\",\"prompt\":\"p\"}"},
            new String[] {"GET", "/schedules", null},
            new String[] {"GET", "/schedules/00000000-0000-0000-0000-000000000000/runs", null});

    @BeforeAll
    static void start() {
        server = SharedServer.get();
        victim = server.api("sec-victim");
        intruder = server.api("sec-intruder");
        var answer = victim.query(null, "my secret plans");
        sessionId = answer.getString("session_id");
        promptId = answer.getString("id");
        var script = "/tools [{\"name\":\"save_artifact\",\"arguments\":{\"name\":\"plan.txt\",\"content\":\"secret\"}}]";
        jobId = victim.post("/submit", jakarta.json.Json.createObjectBuilder().add("prompt", script).build().toString())
                .json().getString("id");
        dev.rafiki.it.support.Await.until("the victim's job to end", Duration.ofSeconds(60),
                () -> victim.get("/jobs/" + jobId).json().getString("status"), "completed"::equals);
    }

    static String fill(String template, String session, String prompt, String job) {
        return template.replace("{S}", session).replace("{P}", prompt).replace("{J}", job);
    }

    static Api.Response call(Api api, String[] route, String session, String prompt) {
        return call(api, route, session, prompt, jobId);
    }

    static Api.Response call(Api api, String[] route, String session, String prompt, String job) {
        var body = route[2] == null ? null : fill(route[2], session, prompt, job);
        return api.send(route[0], fill(route[1], session, prompt, job), body == null ? null : "application/json", body);
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        var json = response.json();
        assertEquals(code, json.getString("code"), response.body());
        assertTrue(json.getString("type").endsWith("/" + code));
        assertFalse(json.getString("request_id").isBlank());
        assertEquals(json.getString("request_id"), response.header("X-Request-Id"));
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
    }

    @Test
    void everyForgedOrInvalidTokenIsRefusedWith401OnEveryRoute() throws Exception {
        var forged = Attacks.forged(server, "sec-victim");
        int tried = 0;
        var bodies = new java.util.HashSet<String>();
        for (var attack : forged.entrySet()) {
            for (var route : ROUTES) {
                var response = call(victim.as(attack.getValue()), route, sessionId, promptId);
                assertEquals(401, response.status(), attack.getKey() + " on " + route[0] + " " + route[1]);
                assertProblem(response, 401, "unauthorized");
                assertTrue(response.header("WWW-Authenticate").startsWith("Bearer"), attack.getKey());
                // the same answer whatever was wrong: nothing tells an attacker which check failed
                bodies.add(response.json().getString("detail"));
                tried++;
            }
            // the WebSocket handshake, with the header or the parameter: refused before the upgrade
            for (var handshake : List.of(WsClient.handshake(server, "/ws", attack.getValue()),
                    WsClient.handshake(server, "/ws?access_token=" + attack.getValue(), null))) {
                assertHandshakeProblem(handshake, 401, "unauthorized");
                bodies.add(handshake.json().getString("detail"));
            }
            tried += 2;
        }
        assertEquals(1, bodies.size(), "401 details differ: " + bodies);
        System.out.printf("JWT attacks: %d forged tokens x %d routes + 2 WebSocket handshakes each = %d requests, all refused alike%n",
                forged.size(), ROUTES.size(), tried);
        assertNotNull(victim.get("/sessions").json(), "the genuine token still works");
        assertEquals(200, victim.get("/sessions").status());
    }

    /** A handshake refused before the upgrade, with the problem an HTTP route gives. */
    static void assertHandshakeProblem(WsClient.Handshake handshake, int status, String code) {
        assertEquals(status, handshake.status(), handshake.body());
        assertTrue(handshake.contentType().startsWith("application/problem+json"), handshake.contentType());
        assertEquals(code, handshake.json().getString("code"), handshake.body());
        assertFalse(handshake.body().contains("Exception") || handshake.body().contains("\tat "), handshake.body());
    }

    /** A token signed with the server's key whose payload is given as is. */
    static String signed(String payload) {
        return Tokens.sign(payload, server.dataDir().resolve("dev-jwt/private.pem"));
    }

    static String claims(String subject, String... more) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"iss\":\"rafiki-dev\",\"sub\":\"" + subject + "\",\"iat\":" + (now - 60) + ",\"exp\":" + (now + 3600)
                + ",\"jti\":\"" + UUID.randomUUID() + "\"" + (more.length == 0 ? "" : "," + String.join(",", more)) + "}";
    }

    /** Validly signed, with a registered claim of another type: Payara's MP-JWT let these through, and the code reading them failed with 500. */
    @Test
    void aClaimOfTheWrongTypeIsRefusedWith401OnEveryRouteAndHandshake() {
        var odd = List.of(claims("sec-victim", "\"groups\":[\"user\"]", "\"nbf\":\"yesterday\""),
                claims("sec-victim", "\"groups\":[\"user\"]", "\"nbf\":null"),
                claims("sec-victim", "\"groups\":[\"user\"]", "\"upn\":\"sec-victim\"").replace("\"sub\":\"sec-victim\"", "\"sub\":42"),
                claims("sec-victim", "\"groups\":[\"user\",7]"),
                claims("sec-victim", "\"groups\":{\"user\":true}"),
                claims("sec-victim", "\"groups\":[\"user\"]", "\"aud\":12"),
                claims("sec-victim", "\"groups\":[\"user\"]").replaceFirst("\"exp\":\\d+", "\"exp\":1e400"),
                claims("sec-victim", "\"groups\":[\"user\"]").replaceFirst("\"iat\":\\d+", "\"iat\":\"now\""),
                claims("x".repeat(256), "\"groups\":[\"user\"]"));
        for (var payload : odd) {
            var token = signed(payload);
            for (var route : ROUTES) {
                assertProblem(call(victim.as(token), route, sessionId, promptId), 401, "unauthorized");
            }
            assertProblem(victim.as(null).get("/session/" + sessionId + "/events?access_token=" + token), 401, "unauthorized");
            for (var path : List.of("/ws", "/query_stream")) {
                assertHandshakeProblem(WsClient.handshake(server, path, token), 401, "unauthorized");
                assertHandshakeProblem(WsClient.handshake(server, path + "?access_token=" + token, null), 401, "unauthorized");
            }
        }
        assertEquals(200, victim.get("/health/ready").status());
    }

    /** Once a 500 on the stream routes, and handshakes upgraded then left silent. */
    @Test
    void aTokenWithoutTheUserGroupIsForbiddenOnStreamsAndHandshakesTooBeforeTheUpgrade() {
        for (var payload : List.of(claims("sec-victim"), claims("sec-victim", "\"groups\":[]"), claims("sec-victim", "\"groups\":\"admin\""))) {
            var token = signed(payload);
            var rest = victim.as(token).get("/sessions");
            assertProblem(rest, 403, "forbidden");
            for (var path : List.of("/events?session_id=" + sessionId, "/events", "/session/" + sessionId + "/events")) {
                assertProblem(victim.as(token).get(path), 403, "forbidden");
                assertProblem(victim.as(null).get(path + (path.contains("?") ? "&" : "?") + "access_token=" + token), 403, "forbidden");
            }
            for (var path : List.of("/ws", "/query_stream")) {
                for (var handshake : List.of(WsClient.handshake(server, path, token),
                        WsClient.handshake(server, path + "?access_token=" + token, null))) {
                    assertHandshakeProblem(handshake, 403, "forbidden");
                    // the same problem an HTTP route gives, but for its request id
                    var problem = handshake.json();
                    var expected = rest.json();
                    for (var member : List.of("type", "title", "status", "code", "detail")) {
                        assertEquals(expected.get(member), problem.get(member), member);
                    }
                }
            }
        }
    }

    /** One group given as a string is a one-element set, in the header and as access_token alike. */
    @Test
    void oneGroupGivenAsAStringCountsWhereverTheTokenIsPresented() {
        var token = signed(claims("sec-victim", "\"groups\":\"user\""));
        assertEquals(200, victim.as(token).get("/sessions").status());
        var page = "/session/" + sessionId + "/events";
        assertEquals(200, victim.as(token).get(page).status());
        assertEquals(200, victim.as(null).get(page + "?access_token=" + token).status());
        for (var path : List.of("/ws", "/query_stream")) {
            assertTrue(WsClient.handshake(server, path, token).upgraded(), path);
            assertTrue(WsClient.handshake(server, path + "?access_token=" + token, null).upgraded(), path);
        }
    }

    /**
     * Each refused token cost 5 KB of stack traces in the log (Payara's MP-JWT at INFO): 500 forged
     * requests grew it by 2.5 MB. Now at most a few short lines a minute, whichever check refused.
     */
    @Test
    void aFloodOfForgedTokensLeavesAtMostAFewShortLinesInTheLog() throws Exception {
        var forged = Attacks.forged(server, "sec-victim");
        var odd = signed(claims("sec-victim", "\"groups\":[\"user\"]", "\"nbf\":\"soon\""));
        long before = java.nio.file.Files.size(server.log());
        int sent = 0;
        for (int round = 0; round < 25; round++) {
            for (var token : List.of(forged.get("garbage"), forged.get("RS256 signed by another key"), forged.get("expired 10 minutes ago"),
                    forged.get("wrong issuer"), forged.get("payload swapped under a genuine signature"), odd)) {
                assertEquals(401, victim.as(token).get("/sessions").status());
                assertEquals(401, victim.as(null).get("/session/" + sessionId + "/events?access_token=" + token).status());
                sent += 2;
            }
        }
        // a line logged after the flood: once it is in the log, so is everything the flood wrote before it
        var marker = "log-marker-" + UUID.randomUUID();
        assertEquals(200, victim.post("/query", "{\"prompt\":\"marker\",\"session_id\":\"" + sessionId + "\"}",
                "X-Request-Id", marker).status());
        var grown = dev.rafiki.it.support.Await.until("the marker in the log", Duration.ofSeconds(30),
                () -> server.logSince(before), text -> text.contains(marker));
        System.out.printf("Log: %d forged tokens refused, the log grew by %d bytes%n", sent, grown.length());
        assertTrue(grown.length() < sent * 100L, "the log grew by " + grown.length() + " bytes:\n" + grown);
        assertFalse(grown.contains("Exception trying to parse JWT token"), grown);
        assertFalse(grown.contains("\tat "), grown);
    }

    /** Jersey described every resource in WADL, without a token; OPTIONS is for CORS preflights only. */
    @Test
    void noWadlAndOptionsAnswersOnlyPreflights() {
        var anonymous = victim.as(null);
        assertProblem(anonymous.get("/application.wadl"), 404, "not-found");
        assertProblem(victim.get("/application.wadl"), 404, "not-found");
        var query = anonymous.send("OPTIONS", "/query", null, null);
        assertProblem(query, 405, "method-not-allowed");
        assertEquals("POST", query.header("Allow"));
        var session = victim.send("OPTIONS", "/session/" + sessionId, null, null);
        assertProblem(session, 405, "method-not-allowed");
        assertEquals(java.util.Set.of("GET", "HEAD", "PATCH", "DELETE"), java.util.Set.of(session.header("Allow").split(",\\s*")));
        assertFalse(session.body().contains("wadl"), session.body());
        assertProblem(anonymous.send("OPTIONS", "/no/such/route", null, null), 404, "not-found");
        assertProblem(anonymous.send("OPTIONS", "/health/ready", null, null), 405, "method-not-allowed");
        assertProblem(anonymous.send("OPTIONS", "/openapi", null, null), 405, "method-not-allowed");
        // a preflight is still answered
        var preflight = anonymous.send("OPTIONS", "/query", null, null, "Origin", "https://app.example",
                "Access-Control-Request-Method", "POST");
        assertEquals(204, preflight.status());
        assertEquals("https://app.example", preflight.header("Access-Control-Allow-Origin"));
    }

    @Test
    void anotherUsersIdsAnswerExactlyLikeMissingOnes() {
        int messagesBefore = victim.messages(sessionId).size();
        var missingSession = UUID.randomUUID().toString();
        var missingPrompt = UUID.randomUUID().toString();
        var missingJob = UUID.randomUUID().toString();
        for (var route : ROUTES) {
            if (!route[1].contains("{S}") && !route[1].contains("{J}")) {
                continue;
            }
            var theirs = call(intruder, route, sessionId, promptId, jobId);
            var missing = call(intruder, route, missingSession, missingPrompt, missingJob);
            assertProblem(theirs, 404, "not-found");
            assertProblem(missing, 404, "not-found");
            assertEquals(missing.json().getString("detail").replace(missingSession, "ID").replace(missingPrompt, "PID")
                            .replace(missingJob, "JID"),
                    theirs.json().getString("detail").replace(sessionId, "ID").replace(promptId, "PID").replace(jobId, "JID"),
                    route[1]);
        }
        // the victim's job is untouched: not cancelled, its artifact still there
        assertEquals("completed", victim.get("/jobs/" + jobId).json().getString("status"));
        assertEquals("secret", victim.get("/jobs/" + jobId + "/artifacts/plan.txt").body());
        try (var ws = WsClient.connect(server, "/ws", server.tokenFor("sec-intruder", "user"))) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\"}");
            assertEquals("not-found", ws.next(Duration.ofSeconds(10)).getString("code"));
        }
        // the victim's data is untouched by all of that
        assertEquals(200, victim.get("/session/" + sessionId).status());
        assertEquals(messagesBefore, victim.messages(sessionId).size());
    }

    @Test
    void administratorsReadEveryonesSessionsButChangeOnlyTheirOwn() throws Exception {
        var adminToken = server.tokenFor("sec-admin", "user", "admin");
        var admin = victim.as(adminToken);
        assertEquals(200, admin.get("/session/" + sessionId).status());
        assertEquals(victim.get("/session/" + sessionId + "/messages").json(), admin.get("/session/" + sessionId + "/messages").json());
        assertEquals(200, admin.get("/session/" + sessionId + "/prompts/" + promptId).status());
        assertEquals(200, admin.get("/session/" + sessionId + "/events").status());
        var listed = admin.get("/sessions?owner=sec-victim").json().getJsonArray("items");
        assertTrue(listed.stream().anyMatch(s -> s.asJsonObject().getString("id").equals(sessionId)));
        assertProblem(admin.send("DELETE", "/session/" + sessionId, null, null), 404, "not-found");
        assertProblem(admin.post("/session/" + sessionId + "/stop", "{}"), 404, "not-found");
        assertProblem(admin.send("PATCH", "/session/" + sessionId, "application/json", "{\"title\":\"admin was here\"}"),
                404, "not-found");
        // a plain user may not ask for someone else's list
        assertProblem(intruder.get("/sessions?owner=sec-victim"), 403, "forbidden");
        assertEquals(200, victim.get("/session/" + sessionId).status());

        // the same rule on jobs, their artifacts, and the streams
        var submitted = victim.post("/submit", jakarta.json.Json.createObjectBuilder()
                .add("prompt", "/tool save_artifact {\"name\":\"r.txt\",\"content\":\"for the victim\"}").build().toString());
        assertEquals(202, submitted.status(), submitted.body());
        var job = submitted.json().getString("id");
        var done = Await.until("the job to end", Duration.ofSeconds(60), () -> victim.get("/jobs/" + job).json(),
                j -> !List.of("queued", "running").contains(j.getString("status")));
        assertEquals(done.getString("status"), admin.get("/jobs/" + job).json().getString("status"));
        assertEquals(1, victim.get("/jobs/" + job + "/artifacts").json().getJsonArray("items").size(), done.toString());
        assertEquals(victim.get("/jobs/" + job + "/artifacts").json(), admin.get("/jobs/" + job + "/artifacts").json());
        assertEquals("for the victim", admin.get("/jobs/" + job + "/artifacts/r.txt").body());
        assertProblem(intruder.get("/jobs/" + job + "/artifacts/r.txt"), 404, "not-found");
        assertTrue(admin.get("/jobs?owner=sec-victim").json().getJsonArray("items").stream()
                .anyMatch(j -> j.asJsonObject().getString("id").equals(job)));
        assertProblem(admin.post("/jobs/" + job + "/cancel", ""), 404, "not-found");
        assertProblem(intruder.get("/jobs/" + job), 404, "not-found");
        assertProblem(intruder.get("/jobs?owner=sec-victim"), 403, "forbidden");
        try (var ws = WsClient.connect(server, "/ws", adminToken)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", ws.next(Duration.ofSeconds(10)).getString("type"));
            assertEquals(sessionId, ws.next(Duration.ofSeconds(10)).getString("session_id"), "the victim's events, from the start");
            ws.send("{\"type\":\"subscribe\",\"job_id\":\"" + job + "\",\"after\":0}");
            var frame = ws.next(Duration.ofSeconds(10));
            while (!"subscribed".equals(frame.getString("type"))) {
                frame = ws.next(Duration.ofSeconds(10));
            }
        }
        var sse = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        server.base().resolve("/events?session_id=" + sessionId + "&after=0"))
                        .header("Authorization", "Bearer " + adminToken).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, sse.statusCode());
        sse.body().close();
    }

    @Test
    void aStreamTokenFollowsItsOneSessionAndNothingElse() throws Exception {
        var other = victim.createSession();
        var issued = victim.post("/session/" + sessionId + "/stream-token", "");
        assertEquals(200, issued.status(), issued.body());
        var token = issued.json().getString("token");
        assertEquals(sessionId, issued.json().getString("session_id"));

        // it pages and streams its session
        var page = victim.as(null).get("/session/" + sessionId + "/events?access_token=" + token);
        assertEquals(200, page.status(), page.body());
        assertFalse(page.json().getJsonArray("items").isEmpty());
        var sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.base().resolve("/events?after=0&access_token=" + token)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, sse.statusCode());
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(sse.body()))) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("data:"));
            assertNotNull(line);
            assertTrue(line.contains(sessionId), line);
        }
        try (var ws = WsClient.connect(server, "/ws?access_token=" + token, null)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", ws.next(Duration.ofSeconds(10)).getString("type"));
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + other + "\"}");
            assertEquals("forbidden", nextError(ws).getString("code"));
            ws.send("{\"type\":\"subscribe\",\"scope\":\"user\"}");
            assertEquals("forbidden", nextError(ws).getString("code"));
        }

        // and nothing else: the owner's other session, prompts, every REST route, the header
        assertProblem(victim.as(null).get("/session/" + other + "/events?access_token=" + token), 403, "forbidden");
        assertProblem(victim.as(null).get("/events?session_id=" + other + "&access_token=" + token), 403, "forbidden");
        try (var ws = WsClient.connect(server, "/query_stream?access_token=" + token, null)) {
            assertEquals(4403, ws.closed.get(10, TimeUnit.SECONDS));
        }
        for (var route : ROUTES) {
            assertProblem(call(victim.as(token), route, sessionId, promptId), 401, "unauthorized");
            var withParameter = new String[] {route[0], route[1] + (route[1].contains("?") ? "&" : "?") + "access_token=" + token, route[2]};
            if (!route[1].contains("/events")) {
                assertProblem(call(victim.as(null), withParameter, sessionId, promptId), 401, "unauthorized");
            }
        }
        // only the owner gets one
        assertProblem(intruder.post("/session/" + sessionId + "/stream-token", ""), 404, "not-found");
    }

    private static jakarta.json.JsonObject nextError(WsClient ws) {
        while (true) {
            var frame = ws.next(Duration.ofSeconds(10));
            if ("error".equals(frame.getString("type"))) {
                return frame;
            }
        }
    }

    @Test
    void corsAnswersPreflightsOfAllowedOriginsOnly() throws Exception {
        var client = HttpClient.newHttpClient();
        var allowed = client.send(HttpRequest.newBuilder(server.base().resolve("/query"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, allowed.statusCode());
        assertEquals("https://app.example", allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(allowed.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
        assertTrue(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        assertTrue(allowed.headers().firstValue("Vary").orElse("").contains("Origin"));
        // credentials are off by default: no Allow-Credentials
        assertTrue(allowed.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());

        var refused = victim.send("OPTIONS", "/query", null, null, "Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST");
        assertProblem(refused, 403, "origin-not-allowed");
        assertNull(refused.header("Access-Control-Allow-Origin"));

        // real requests: the allowed page may read answers, errors included; others get no CORS headers
        var read = victim.send("GET", "/sessions", null, null, "Origin", "https://app.example");
        assertEquals("https://app.example", read.header("Access-Control-Allow-Origin"));
        assertTrue(read.header("Access-Control-Expose-Headers").contains("RateLimit"));
        var unauthorized = victim.as(null).send("GET", "/sessions", null, null, "Origin", "https://app.example");
        assertProblem(unauthorized, 401, "unauthorized");
        assertEquals("https://app.example", unauthorized.header("Access-Control-Allow-Origin"));
        var forgedToken = victim.as("not-a-jwt").send("GET", "/sessions", null, null, "Origin", "https://app.example");
        assertProblem(forgedToken, 401, "unauthorized");
        assertEquals("https://app.example", forgedToken.header("Access-Control-Allow-Origin"));
        assertNull(victim.send("GET", "/sessions", null, null, "Origin", "https://evil.example").header("Access-Control-Allow-Origin"));

        // the same allow-list guards WebSocket handshakes
        assertThrows(Exception.class, () -> WsClient.connect(server, "/ws", server.tokenFor("sec-victim", "user"),
                "Origin", "https://evil.example"));
    }

    @Test
    void everyKindOfErrorIsProblemJsonWithAStableCode() {
        assertProblem(victim.get("/no/such/route"), 404, "not-found");
        assertProblem(victim.as(null).get("/no/such/route"), 404, "not-found");
        var wrongMethod = victim.send("PUT", "/sessions", "application/json", "{}");
        assertProblem(wrongMethod, 405, "method-not-allowed");
        assertNotNull(wrongMethod.header("Allow"));
        assertProblem(victim.send("POST", "/query", "text/plain", "hello"), 415, "unsupported-media-type");
        assertProblem(victim.send("POST", "/query", "application/json", "{\"prompt\": "), 400, "malformed-json");
        assertProblem(victim.send("POST", "/query", "application/json", "[1,2]"), 400, "validation-failed");
        assertProblem(victim.send("POST", "/query", "application/json", "{\"prompt\": 42}"), 400, "validation-failed");
        assertProblem(victim.send("GET", "/sessions", null, null, "Accept", "application/xml"), 406, "not-acceptable");
        assertProblem(victim.as(server.tokenFor("sec-nogroup")).get("/sessions"), 403, "forbidden");
        assertProblem(victim.get("/session/not-a-uuid"), 404, "not-found");
        assertProblem(victim.get("/sessions?limit=-1"), 400, "validation-failed");
        // a request id the client chose is kept
        var traced = victim.send("GET", "/no/such/route", null, null, "X-Request-Id", "trace-12345678");
        assertEquals("trace-12345678", traced.json().getString("request_id"));
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteItsErrorsAndTheSecurityScheme() {
        var document = victim.as(null).get("/openapi?format=JSON");
        assertEquals(200, document.status(), document.body());
        var json = document.json();
        var paths = json.getJsonObject("paths");
        for (var path : List.of("/query", "/session", "/sessions", "/usage", "/session/{id}", "/session/{id}/state",
                "/session/{id}/messages", "/session/{id}/queue", "/session/{id}/queue/{promptId}",
                "/session/{id}/prompts/{promptId}", "/session/{id}/prompts/{promptId}/approvals", "/session/{id}/stop",
                "/session/{id}/fork",
                "/session/{id}/events",
                "/session/{id}/stream-token", "/events", "/ws", "/query_stream", "/submit", "/jobs", "/jobs/{id}",
                "/jobs/{id}/cancel", "/jobs/{id}/artifacts", "/jobs/{id}/artifacts/{name}", "/jobs/{id}/stream-token",
                "/admin/dead-letters", "/admin/dead-letters/{job_id}", "/agents", "/agents/{id}", "/tools",
                "/agents/{id}/versions/{version}", "/session/{id}/files", "/session/{id}/files/{path}",
                "/jobs/{id}/artifacts/{name}/link", "/schedules", "/schedules/{id}", "/schedules/{id}/pause",
                "/schedules/{id}/resume", "/schedules/{id}/runs", "/admin/budgets", "/admin/budgets/users/{user}",
                "/admin/budgets/agents/{agent_id}")) {
            assertTrue(paths.containsKey(path), "missing " + path + " in " + paths.keySet());
            for (var operation : paths.getJsonObject(path).values()) {
                var responses = operation.asJsonObject().getJsonObject("responses");
                assertTrue(responses.containsKey("401") && responses.containsKey("429"), path + " " + responses.keySet());
            }
        }
        assertEquals("bearer", json.getJsonObject("components").getJsonObject("securitySchemes")
                .getJsonObject("bearer").getString("scheme"));
        var problemCodes = json.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
                .getJsonObject("properties").getJsonObject("code").getJsonArray("enum");
        assertEquals(java.util.Arrays.stream(dev.rafiki.platform.problem.ErrorCode.values()).map(c -> c.wire()).sorted().toList(),
                problemCodes.getValuesAs(jakarta.json.JsonString::getString).stream().sorted().toList());
    }

    @Test
    void everyAnswerCarriesTheRateLimitFields() {
        var answer = victim.get("/sessions");
        assertEquals(200, answer.status());
        assertTrue(answer.header("RateLimit-Policy").matches("\"read\";q=\\d+;w=\\d+, \"read-address\";q=\\d+;w=\\d+"),
                answer.header("RateLimit-Policy"));
        assertTrue(answer.header("RateLimit").matches("\"read(-address)?\";r=\\d+;t=\\d+"), answer.header("RateLimit"));
        var query = victim.post("/query", "{\"prompt\":\"hi\",\"session_id\":\"" + sessionId + "\"}");
        assertTrue(query.header("RateLimit-Policy").startsWith("\"query\""), query.header("RateLimit-Policy"));
        var error = victim.get("/session/" + UUID.randomUUID());
        assertNotNull(error.header("RateLimit"));
    }
}
