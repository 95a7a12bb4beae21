package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.Tokens;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Validly signed tokens whose claims have random types and values: every standard claim as a
 * string, a number (huge, fractional, negative), a boolean, null, an object, an array, or left
 * out. Each token is presented in the Authorization header and as access_token, on a REST route,
 * a stream route and both WebSocket handshakes. The properties: never a 5xx; every refusal is a
 * problem+json 4xx; one answer for a token wherever it is presented (refused everywhere, or
 * forbidden everywhere, or accepted everywhere; access_token counts on the stream routes only);
 * a token with sensible claims is accepted; and the server stays ready throughout.
 */
class TokenClaimsIT {

    static final String SUBJECT = "claims-user";
    static final List<String> CLAIMS = List.of("iss", "sub", "upn", "preferred_username", "exp", "iat", "nbf", "jti",
            "groups", "aud");
    static final long NOW = System.currentTimeMillis() / 1000;

    static RafikiServer server;
    static Path key;
    static Api api;
    static String session;
    static final Map<String, AtomicInteger> VERDICTS = new ConcurrentHashMap<>();
    static final AtomicInteger TRIES = new AtomicInteger();

    @BeforeContainer
    static void start() {
        server = SharedServer.get();
        key = server.dataDir().resolve("dev-jwt/private.pem");
        api = server.api(SUBJECT);
        session = api.createSession();
    }

    @AfterContainer
    static void report() {
        System.out.printf("Token claims: %d tokens, each in the header and as access_token on 4 routes; verdicts %s%n",
                TRIES.get(), new TreeMap<>(VERDICTS));
        assertReady();
        // not vacuous: each kind of answer was seen
        for (var verdict : List.of("accepted", "forbidden", "refused")) {
            assertTrue(VERDICTS.containsKey(verdict), verdict + " never seen: " + VERDICTS);
        }
    }

    static void assertReady() {
        var ready = api.as(null).get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("UP", ready.json().getString("status"));
    }

    /** The sensible value of each claim (empty: left out). */
    static Map<String, Optional<String>> sensible() {
        var claims = new LinkedHashMap<String, Optional<String>>();
        claims.put("iss", Optional.of("\"rafiki-dev\""));
        claims.put("sub", Optional.of("\"" + SUBJECT + "\""));
        claims.put("upn", Optional.empty());
        claims.put("preferred_username", Optional.empty());
        claims.put("exp", Optional.of(Long.toString(NOW + 3600)));
        claims.put("iat", Optional.of(Long.toString(NOW - 60)));
        claims.put("nbf", Optional.empty());
        claims.put("jti", Optional.of("\"claims-jti\""));
        claims.put("groups", Optional.of("[\"user\"]"));
        claims.put("aud", Optional.empty());
        return claims;
    }

    @Provide
    Arbitrary<String> json() {
        Arbitrary<String> strings = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("", " ", "\u0000", "a\nb", "user", "admin", "rafiki-dev", SUBJECT, "s".repeat(300)))
                .map(s -> Json.createValue(s).toString());
        Arbitrary<String> numbers = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("0", "-1", "-0", "1.5", "1e30", "-1e30", "1e400", "-1e400", "99999999999999999999",
                        "0.000001", Long.toString(NOW - 3600), Long.toString(NOW + 3600), Long.toString(NOW + 3600) + ".5"));
        Arbitrary<String> scalars = Arbitraries.oneOf(strings, numbers, Arbitraries.of("true", "false", "null"));
        return Arbitraries.oneOf(scalars, scalars,
                scalars.list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]"),
                Arbitraries.of("[\"user\"]", "[\"user\",\"admin\"]", "[\"admin\"]", "[\"user\",1]", "[[\"user\"]]", "[]"),
                Combinators.combine(Arbitraries.of("a", "user", "sub"), scalars).as((k, v) -> "{\"" + k + "\":" + v + "}"),
                Arbitraries.just("{}"));
    }

    /** The sensible claims with up to three of them replaced by anything, or left out. */
    @Provide
    Arbitrary<Map<String, Optional<String>>> claims() {
        var change = Combinators.combine(Arbitraries.of(CLAIMS), json().optional(0.85))
                .as((name, value) -> Map.entry(name, value));
        return change.list().ofMaxSize(3).map(changes -> {
            var claims = sensible();
            changes.forEach(c -> claims.put(c.getKey(), c.getValue()));
            return claims;
        });
    }

    record Answer(int status, String code) {
        @Override
        public String toString() {
            return status + (code == null ? "" : " " + code);
        }
    }

    @Property(tries = 400, shrinking = ShrinkingMode.OFF, seed = "20261201")
    void aTokenGetsOneAnswerWhereverItIsPresentedAndNeverAServerError(@ForAll("claims") Map<String, Optional<String>> claims) {
        var payload = new StringBuilder("{");
        claims.forEach((name, value) -> value.ifPresent(v -> payload.append(payload.length() > 1 ? "," : "")
                .append('"').append(name).append("\":").append(v)));
        var token = Tokens.sign(payload.append('}').toString(), key);
        var about = payload.toString();
        TRIES.incrementAndGet();

        var page = "/session/" + session + "/events";
        var header = Map.of(
                "rest", http(api.as(token).get("/sessions"), about),
                "stream", http(api.as(token).get(page), about),
                "ws", socket(WsClient.handshake(server, "/ws", token), about),
                "query_stream", socket(WsClient.handshake(server, "/query_stream", token), about));
        var parameter = Map.of(
                "rest", http(api.as(null).get("/sessions?access_token=" + token), about),
                "stream", http(api.as(null).get(page + "?access_token=" + token), about),
                "ws", socket(WsClient.handshake(server, "/ws?access_token=" + token, null), about),
                "query_stream", socket(WsClient.handshake(server, "/query_stream?access_token=" + token, null), about));

        var verdict = switch (header.get("stream").status()) {
            case 401 -> "refused";
            case 403 -> "forbidden";
            case 200, 404 -> "accepted";
            default -> throw new AssertionError("GET " + page + " answered " + header.get("stream") + " to " + about);
        };
        VERDICTS.computeIfAbsent(verdict, v -> new AtomicInteger()).incrementAndGet();
        var expected = switch (verdict) {
            case "refused" -> Map.of("rest", new Answer(401, "unauthorized"), "ws", new Answer(401, "unauthorized"),
                    "query_stream", new Answer(401, "unauthorized"));
            case "forbidden" -> Map.of("rest", new Answer(403, "forbidden"), "ws", new Answer(403, "forbidden"),
                    "query_stream", new Answer(403, "forbidden"));
            default -> Map.of("rest", new Answer(200, null), "ws", new Answer(101, null), "query_stream", new Answer(101, null));
        };
        expected.forEach((route, answer) -> assertEquals(answer, header.get(route), route + " in the header, " + about));
        for (var route : List.of("stream", "ws", "query_stream")) {
            assertEquals(header.get(route), parameter.get(route), route + ": header and access_token differ for " + about);
        }
        assertEquals(new Answer(401, "unauthorized"), parameter.get("rest"), "access_token on a REST route, " + about);
        if (claims.equals(sensible())) {
            assertEquals("accepted", verdict, about);
        }
        if (verdict.equals("accepted")) {
            // the subject reaches the database: it must be storable
            var created = api.as(token).post("/session", "{}");
            assertEquals(201, created.status(), about + " -> " + created.body());
        }
        if (TRIES.get() % 50 == 0) {
            assertReady();
        }
    }

    static Answer http(Api.Response response, String about) {
        assertTrue(response.status() < 500, () -> response.status() + " " + response.body() + " for " + about);
        if (response.status() < 400) {
            return new Answer(response.status(), null);
        }
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType() + " for " + about);
        assertNoStackTrace(response.body());
        return new Answer(response.status(), response.json().getString("code"));
    }

    static Answer socket(WsClient.Handshake handshake, String about) {
        assertTrue(handshake.status() < 500, () -> handshake.status() + " " + handshake.body() + " for " + about);
        if (handshake.upgraded()) {
            return new Answer(101, null);
        }
        assertTrue(handshake.contentType().startsWith("application/problem+json"), handshake.contentType() + " for " + about);
        assertNoStackTrace(handshake.body());
        return new Answer(handshake.status(), handshake.json().getString("code"));
    }

    static void assertNoStackTrace(String body) {
        assertFalse(body.contains("Exception") || body.contains("\tat "), body);
    }
}
