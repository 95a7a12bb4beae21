package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.Attacks;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.Tokens;
import dev.rafiki.it.support.WsClient;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and resource limits, on a server of its own with small limits, and an expected
 * token audience: each breach is a clear 4xx problem, never a 5xx.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LimitsIT {

    static RafikiServer server;

    @BeforeAll
    static void start() {
        server = RafikiServer.start("limits", RafikiServer.env(
                "RAFIKI_RATELIMIT_READ_CAPACITY", "5",
                "RAFIKI_RATELIMIT_READ_REFILL_PER_SECOND", "0.2",
                "RAFIKI_RATELIMIT_ADDRESS_FACTOR", "4",
                "RAFIKI_HTTP_MAX_BODY_BYTES", "2048",
                "RAFIKI_PROMPT_MAX_LENGTH", "500",
                "RAFIKI_SESSION_MAX_QUEUE", "2",
                "RAFIKI_STREAMS_MAX_PER_USER", "2",
                "MP_JWT_VERIFY_AUDIENCES", "rafiki-api"));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static String token(String subject, String audience) {
        try {
            var claims = Attacks.validClaims(subject);
            claims.setStringListClaim("groups", List.of("user"));
            if (audience != null) {
                claims.setAudience(audience);
            }
            return Tokens.sign(claims, Tokens.privateKey(server.dataDir().resolve("dev-jwt/private.pem")),
                    AlgorithmIdentifiers.RSA_USING_SHA256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Api api(String subject) {
        return new Api(server.base(), token(subject, "rafiki-api"));
    }

    static void assertProblem(Api.Response response, int status, String code) {
        SecurityIT.assertProblem(response, status, code);
    }

    @Test
    void theAudienceIsChecked() {
        assertProblem(new Api(server.base(), token("aud-user", null)).get("/usage"), 401, "unauthorized");
        assertProblem(new Api(server.base(), token("aud-user", "someone-else")).post("/session", "{}"), 401, "unauthorized");
        assertEquals(201, api("aud-user").post("/session", "{}").status());
    }

    @Test
    void aBurstIsRefusedWith429WhileOtherUsersStayUnaffected() {
        var greedy = api("greedy");
        var answers = new java.util.ArrayList<Api.Response>();
        for (int i = 0; i < 8; i++) {
            answers.add(greedy.get("/sessions"));
        }
        var statuses = answers.stream().map(Api.Response::status).toList();
        assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), statuses);
        var refused = answers.get(5);
        assertProblem(refused, 429, "rate-limited");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        assertEquals("\"read\";r=0;t=25", refused.header("RateLimit"));
        assertEquals("\"read\";q=5;w=25, \"read-address\";q=20;w=25", answers.get(0).header("RateLimit-Policy"));
        assertEquals("\"read\";r=4;t=5", answers.get(0).header("RateLimit"));
        // another user on the same address is not affected, nor is the greedy user's other route class
        var polite = api("polite");
        assertEquals(200, polite.get("/sessions").status());
        assertEquals(201, greedy.post("/session", "{}").status());
        System.out.printf("Rate limit: 8 reads in a burst by one user: %s; Retry-After %d s; another user: 200%n", statuses, retryAfter);
    }

    /**
     * Last: it spends the address's whole read budget, which every user of this address shares.
     * Requests with a token that is refused count like requests without one, wherever it is
     * refused: MP-JWT refuses a forged header before any filter runs, and used to leave it uncounted.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theAddressBudgetCoversRequestsWithoutAValidToken() throws Exception {
        var anonymous = new Api(server.base(), null);
        var forged = Attacks.forged(server, "flooder");
        var odd = Attacks.validClaims("flooder");
        odd.setStringListClaim("groups", List.of("user"));
        odd.setAudience("rafiki-api");
        odd.setClaim("nbf", "soon");
        var oddToken = Tokens.sign(odd, Tokens.privateKey(server.dataDir().resolve("dev-jwt/private.pem")),
                AlgorithmIdentifiers.RSA_USING_SHA256);
        var kinds = new java.util.LinkedHashMap<String, java.util.function.Supplier<Api.Response>>();
        kinds.put("no token", () -> anonymous.get("/no-such-thing"));
        kinds.put("a forged header (refused by MP-JWT)", () -> new Api(server.base(), forged.get("RS256 signed by another key")).get("/sessions"));
        kinds.put("a forged access_token", () -> anonymous.get("/sessions?access_token=" + forged.get("expired 10 minutes ago")));
        kinds.put("a claim of the wrong type (refused by the edge)", () -> new Api(server.base(), oddToken).get("/sessions"));
        int answered = 0;
        Api.Response last = null;
        flood:
        for (int round = 0; round < 30; round++) {
            for (var kind : kinds.entrySet()) {
                last = kind.getValue().get();
                if (last.status() == 429) {
                    break flood;
                }
                assertEquals(kind.getKey().equals("no token") ? 404 : 401, last.status(), kind.getKey() + ": " + last.body());
                answered++;
            }
        }
        assertProblem(last, 429, "rate-limited");
        // the address's budget is 20 (5 x 4), and a little refills meanwhile; had only the
        // requests without a token counted, it would have taken some 80
        assertTrue(answered <= 24, "refused after " + answered);
        // and each kind is refused once it is spent (an occasional refilled token answers as before)
        for (var kind : kinds.entrySet()) {
            var statuses = new java.util.ArrayList<Integer>();
            for (int i = 0; i < 5 && !statuses.contains(429); i++) {
                statuses.add(kind.getValue().get().status());
            }
            assertTrue(statuses.contains(429), kind.getKey() + ": " + statuses);
        }
        System.out.printf("Address budget: %d requests without a valid token (4 kinds in turn) before 429%n", answered);
        // health checks are never limited
        assertEquals(200, anonymous.get("/health/ready").status());
    }

    @Test
    void oversizedBodiesAndPromptsAre413() throws Exception {
        var api = api("big");
        var big = "{\"prompt\":\"" + "x".repeat(3000) + "\"}";
        assertProblem(api.post("/query", big), 413, "payload-too-large");
        assertProblem(api.post("/query", "{\"prompt\":\"" + "y".repeat(600) + "\"}"), 413, "payload-too-large");
        // a body without a length (chunked) is cut off at the limit too
        var chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/query"))
                .header("Authorization", "Bearer " + token("big", "rafiki-api"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertTrue(chunked.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void aFullQueueIs409() {
        var api = api("queuer");
        // long enough to outlast the test on a loaded machine (a 3 s one ended first in CI, and
        // the queue had room again); stopped at the end
        var running = api.post("/query", "{\"prompt\":\"/slow 3000 a b c d e f g h i j\"}", "Prefer", "respond-async");
        assertEquals(202, running.status(), running.body());
        var session = running.json().getString("session_id");
        Await.until("the first prompt running", java.time.Duration.ofSeconds(30),
                () -> api.get("/session/" + session).json().getString("status"), "running"::equals);
        var body = "{\"prompt\":\"next\",\"session_id\":\"" + session + "\"}";
        assertEquals(202, api.post("/query", body, "Prefer", "respond-async").status());
        assertEquals(202, api.post("/query", body, "Prefer", "respond-async").status());
        var full = api.post("/query", body, "Prefer", "respond-async");
        assertProblem(full, 409, "queue-full");
        assertEquals(2, full.json().getInt("queue_length"));
        assertEquals(200, api.post("/session/" + session + "/stop?clear_queue=true", "").status());
    }

    @Test
    void streamsPerUserAreLimited() throws Exception {
        var token = token("streamer", "rafiki-api");
        try (var first = WsClient.connect(server, "/ws", token); var second = WsClient.connect(server, "/query_stream", token)) {
            first.send("{\"type\":\"subscribe\",\"scope\":\"user\"}");
            first.next(java.time.Duration.ofSeconds(10));
            try (var third = WsClient.connect(server, "/ws", token)) {
                assertEquals(4429, third.closed.get(10, TimeUnit.SECONDS));
            }
            var sse = new Api(server.base(), token).get("/events?after=0&limit=1");
            assertProblem(sse, 429, "too-many-streams");
            assertEquals(200, new Api(server.base(), token("other-streamer", "rafiki-api")).get("/sessions").status());
        }
        RafikiServer.sleep(500);
        try (var again = WsClient.connect(server, "/ws", token)) {
            again.send("{\"type\":\"subscribe\",\"scope\":\"user\"}");
            assertEquals("subscribed", again.next(java.time.Duration.ofSeconds(10)).getString("type"));
        }
    }
}
