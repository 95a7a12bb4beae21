package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.HostileJson;
import dev.rafiki.it.support.HostileJson.Shape;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.SharedServer;
import dev.rafiki.it.support.StalledWebSocket;
import dev.rafiki.it.support.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Property-based bad input over every route of the running server: random methods, paths with
 * real, foreign, missing and malformed ids, query parameters, headers, media types and bodies
 * (JSON of every shape, broken JSON, binary), and hostile JSON ({@link HostileJson}: depth,
 * numbers, duplicate keys, trailing data, every plane of Unicode, bytes that are not UTF-8) on
 * every route that takes a body. The property: never a 5xx, every error is
 * application/problem+json, and a body the README says is refused gets exactly its 400 code,
 * while one it says is fine is accepted. WebSocket frames get the same treatment. At the end the
 * server is still ready, answers a prompt, and every prompt the fuzz had accepted has ended.
 *
 * <p>Each try of an HTTP property sends {@value #BATCH} requests at once (the server also gets
 * hostile input concurrently, and the run fits a CI budget on two cores). A fixed seed by default;
 * {@code -Dfuzz.tries=N} (requests per HTTP property, default 5 200; frames in proportion) and
 * {@code -Dfuzz.seed=random|<number>} run it longer or elsewhere: the seed is printed first.
 */
@AddLifecycleHook(value = FuzzIT.Settings.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class FuzzIT {

    static final String SEED = "20261127";
    static final int BATCH = 4;
    /** Requests per HTTP property when fuzz.tries is not given: the annotations' tries times {@link #BATCH}. */
    static final int DEFAULT_REQUESTS = 5200;

    static RafikiServer server;
    static String token;
    static String ownSession;
    static String foreignSession;
    static String ownJob;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<Integer, AtomicInteger> STATUSES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> REFUSALS = new ConcurrentHashMap<>();
    static final AtomicInteger CASES = new AtomicInteger();
    static final AtomicInteger FRAMES = new AtomicInteger();
    static long started;
    /** Answered before the application saw them (e.g. %00 in the path): no request id, no problem body. */
    static final List<String> OUTSIDE_THE_APPLICATION = java.util.Collections.synchronizedList(new ArrayList<>());

    static final List<String> ROUTES = List.of(
            "/query", "/session", "/sessions", "/usage", "/session/{id}", "/session/{id}/state",
            "/session/{id}/messages", "/session/{id}/queue", "/session/{id}/queue/{id2}",
            "/session/{id}/prompts/{id2}", "/session/{id}/stop", "/session/{id}/events",
            "/session/{id}/stream-token", "/events", "/submit", "/jobs", "/jobs/{id}", "/jobs/{id}/cancel",
            "/jobs/{id}/artifacts", "/jobs/{id}/stream-token", "/health/ready", "/openapi", "/", "/_problem",
            "/agents", "/agents/{id}", "/agents/{id}/versions/{id2}", "/nowhere/{id}");

    /** The routes that read a JSON body: a hostile one must get exactly its code. */
    static final Set<String> READ_A_BODY = Set.of("POST /query", "POST /session", "POST /submit");

    /** Every route that takes (or ignores) a body; {own} and {job} are the fuzz user's own. */
    static final List<String> BODY_ROUTES = List.of("POST /query", "POST /session", "POST /submit",
            "POST /session/{own}/stop", "POST /session/{own}/stream-token", "POST /jobs/{job}/stream-token",
            "POST /jobs/{job}/cancel", "PATCH /session/{own}", "PUT /session/{own}", "DELETE /session/{foreign}",
            "POST /agents", "PUT /agents/{own}");

    /**
     * Tries and seed from {@code fuzz.tries} and {@code fuzz.seed}, printed before the first
     * property so that any run can be repeated.
     */
    public static class Settings implements AroundPropertyHook {
        static final String RUN_SEED = seed();

        static String seed() {
            var wanted = System.getProperty("fuzz.seed", "");
            var seed = wanted.isBlank() ? SEED : wanted.equals("random")
                    ? Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE) : wanted.strip();
            System.out.printf("FuzzIT: seed %s, %s requests per HTTP property (repeat with -Dfuzz.seed=%s -Dfuzz.tries=%s)%n",
                    seed, requests(), seed, requests());
            return seed;
        }

        static int requests() {
            return Integer.getInteger("fuzz.tries", DEFAULT_REQUESTS);
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            var attributes = context.attributes();
            if (context.findAnnotation(Example.class).isEmpty()) {
                attributes.setSeed(RUN_SEED);
                attributes.tries().ifPresent(tries -> attributes.setTries(
                        (int) Math.max(1, Math.round((double) tries * requests() / DEFAULT_REQUESTS))));
            }
            return property.execute();
        }

        @Override
        public int aroundPropertyProximity() {
            return -100; // outermost: before the property's generators are set up
        }
    }

    @BeforeContainer
    static void start() {
        server = SharedServer.get();
        token = server.tokenFor("fuzz-user", "user");
        var api = server.api("fuzz-user");
        ownSession = api.createSession();
        foreignSession = server.api("fuzz-other").createSession();
        ownJob = api.post("/submit", "{\"prompt\":\"a job to ask stream tokens for\"}").json().getString("id");
        started = System.nanoTime();
    }

    /** One request, in the form it is sent and reported. */
    record Case(String method, String path, String mediaType, byte[] body, List<String> headers, String bearer) {
        @Override
        public String toString() {
            var text = new String(body, StandardCharsets.UTF_8);
            return method + " " + path + " [" + mediaType + "] " + headers + " " + bearer + " "
                    + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }

    /** Sends a batch at once; every answer must be below 500 and, if an error, a problem. */
    static List<Answer> send(List<Case> batch) {
        var pending = new ArrayList<CompletableFuture<Answer>>();
        for (var c : batch) {
            pending.add(sendAsync(c));
        }
        var answers = new ArrayList<Answer>();
        for (var answer : pending) {
            answers.add(answer.join());
        }
        for (var answer : answers) {
            answer.assertNoFaultAndAProblemIfRefused();
        }
        return answers;
    }

    record Answer(Case request, int status, String type, String body, boolean outside) {
        void assertNoFaultAndAProblemIfRefused() {
            assertTrue(status < 500, () -> request + " -> " + status + " " + body);
            if (outside || status < 400 || request.method().equals("HEAD")) {
                return;
            }
            assertTrue(type.startsWith("application/problem+json"), () -> request + " -> " + status + " " + type + " " + body);
            assertTrue(!body.contains("Exception") && !body.contains("\tat "), () -> request + " -> " + body);
        }

        JsonObject json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }
    }

    static CompletableFuture<Answer> sendAsync(Case c) {
        URI uri;
        try {
            uri = server.base().resolve(c.path());
        } catch (IllegalArgumentException notAUri) {
            return CompletableFuture.completedFuture(new Answer(c, 0, "", "", true)); // the client cannot even send it
        }
        var noBody = c.method().equals("GET") || c.method().equals("HEAD") || c.method().equals("OPTIONS") && c.body().length == 0;
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(c.method(), noBody ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (!c.mediaType().isEmpty()) {
            request.header("Content-Type", c.mediaType());
        }
        if (!c.bearer().isEmpty()) {
            request.header("Authorization", c.bearer().replace("{token}", token));
        }
        // never wait for a slow prompt: the property is about the edge, not the model
        request.header("Prefer", "respond-async");
        for (int i = 0; i + 1 < c.headers().size(); i += 2) {
            try {
                request.header(c.headers().get(i), c.headers().get(i + 1));
            } catch (IllegalArgumentException restricted) {
                // the JDK client refuses some headers and values: not sendable, so not tried
            }
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).thenApply(response -> {
            CASES.incrementAndGet();
            STATUSES.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            var type = response.headers().firstValue("Content-Type").orElse("");
            String text = "";
            try (var in = response.body()) {
                // an event stream never ends (and may be silent for a while): its status is enough
                if (!type.startsWith("text/event-stream")) {
                    text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // Answered outside the application: Grizzly refuses some encodings (%00, bad
            // %-escapes) before any servlet or filter runs; Payara's own OpenAPI application (a
            // Jersey servlet it adds to every web module) answers an Accept it cannot serve with
            // its HTML 406, which the module's error pages do not reach. Never a 5xx; counted and reported.
            boolean outside = response.headers().firstValue("X-Request-Id").isEmpty()
                    || c.path().startsWith("/openapi") && response.statusCode() == 406 && type.startsWith("text/html");
            if (outside) {
                OUTSIDE_THE_APPLICATION.add(c.method() + " " + c.path() + " -> " + response.statusCode());
            }
            return new Answer(c, response.statusCode(), type, text, outside);
        });
    }

    static String resolve(String text) {
        return text.replace("{own}", ownSession).replace("{foreign}", foreignSession).replace("{job}", ownJob);
    }

    @Property(tries = DEFAULT_REQUESTS / BATCH, shrinking = ShrinkingMode.OFF, seed = SEED)
    void noRouteAnswersWithAServerErrorOrAnythingButProblemJson(@ForAll("anyRequests") List<Case> batch) {
        send(batch);
    }

    @Provide
    Arbitrary<List<Case>> anyRequests() {
        var path = Combinators.combine(Arbitraries.of(ROUTES), ids(), ids(), queries())
                .as((route, id, id2, query) -> resolve(route.replace("{id}", id).replace("{id2}", id2) + query));
        return Combinators.combine(methods(), path, bodies(), mediaTypes(), headers(), tokens())
                .as((method, p, body, mediaType, headers, bearer) ->
                        new Case(method, p, mediaType, body, headers, bearer))
                .list().ofSize(BATCH);
    }

    /**
     * Hostile JSON on every route that takes a body, with a valid token, mostly as JSON: a body
     * the README refuses gets exactly its 400 code from every route that reads it, a body it
     * accepts is accepted, and a title from any plane of Unicode is stored and read back as sent.
     */
    @Property(tries = DEFAULT_REQUESTS / BATCH, shrinking = ShrinkingMode.OFF, seed = SEED)
    void hostileJsonGetsItsOwnAnswerOnEveryRouteThatTakesABody(@ForAll("hostileRequests") List<Tuple.Tuple2<Case, Shape>> batch) {
        var answers = send(batch.stream().map(Tuple.Tuple2::get1).toList());
        for (int i = 0; i < batch.size(); i++) {
            var shape = batch.get(i).get2();
            var answer = answers.get(i);
            var route = answer.request().method() + " " + batch.get(i).get1().path().replaceAll("/[0-9a-f-]{36}", "/{id}");
            if (!READ_A_BODY.contains(route) || !answer.request().mediaType().startsWith("application/json")) {
                continue;
            }
            if (shape.code() != null) {
                assertEquals(400, answer.status(), () -> shape + " on " + route + " -> " + answer.body());
                assertEquals(shape.code(), answer.json().getString("code"), () -> shape + " on " + route + " -> " + answer.body());
                REFUSALS.computeIfAbsent(shape.code(), c -> new AtomicInteger()).incrementAndGet();
            } else if (shape.request()) {
                assertTrue(answer.status() / 100 == 2, () -> shape + " on " + route + " -> " + answer.status() + " " + answer.body());
                if (shape.title() != null && route.equals("POST /session")) {
                    // read back from PostgreSQL, not from the answer to the write
                    var stored = new Api(server.base(), token).get("/session/" + answer.json().getString("id"));
                    assertEquals(shape.title(), stored.json().getString("title"), () -> shape + " was not stored as sent");
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Case, Shape>>> hostileRequests() {
        var route = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(READ_A_BODY.stream().sorted().toList())),
                Tuple.of(1, Arbitraries.of(BODY_ROUTES)));
        var mediaType = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("application/json")),
                Tuple.of(2, Arbitraries.of("application/json; charset=utf-8", "application/json; charset=utf-16",
                        "application/json;charset=ISO-8859-1")),
                Tuple.of(1, Arbitraries.of("text/plain", "", "application/merge-patch+json")));
        return Combinators.combine(route, mediaType, HostileJson.bodies()).as((r, type, shape) -> {
            var parts = r.split(" ");
            return Tuple.of(new Case(parts[0], resolve(parts[1]), type, shape.bytes(), List.of(), "Bearer {token}"), shape);
        }).list().ofSize(BATCH);
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.just("{own}"), Arbitraries.just("{foreign}"), Arbitraries.just("{job}"),
                Arbitraries.create(() -> java.util.UUID.randomUUID().toString()),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(40).map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)),
                Arbitraries.of("..", "%2e%2e", "%00", "null", "-1", "99999999999999999999", "%ZZ", "a%2Fb",
                        "00000000-0000-0000-0000-000000000000", "%7B%7D"));
    }

    @Provide
    Arbitrary<String> queries() {
        var key = Arbitraries.of("limit", "after", "clear_queue", "session_id", "access_token", "owner", "scope", "x");
        var value = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("{own}", "{foreign}", "true", "", "1e9", "-0", "NaN", "0x10"));
        return Combinators.combine(key, value).as((k, v) -> k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))
                .list().ofMaxSize(4).map(list -> list.isEmpty() ? "" : "?" + String.join("&", list));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(50).map(s -> Json.createValue(s).toString()),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "{}", "[]", "1e400", "-0", "\"\\u0000\"", "\"{own}\"", "\"{foreign}\""));
        var field = Arbitraries.of("prompt", "session_id", "busy", "model", "title", "metadata", "idempotency_key",
                "type", "after", "x", "");
        Arbitrary<String> object = Combinators.combine(field, scalar)
                .as((k, v) -> Json.createValue(k) + ":" + v)
                .list().ofMaxSize(5).map(list -> "{" + String.join(",", list) + "}");
        Arbitrary<String> text = Arbitraries.oneOf(object, object.map(o -> "[" + o + "]"), scalar,
                Arbitraries.strings().ofMaxLength(200),
                object.map(o -> o.substring(0, Math.max(0, o.length() / 2))),
                Arbitraries.just(""),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(100));
        return Arbitraries.oneOf(text.map(t -> resolve(t).getBytes(StandardCharsets.UTF_8)), HostileJson.bodies().map(Shape::bytes));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "GET", "POST", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS");
    }

    @Provide
    Arbitrary<String> mediaTypes() {
        return Arbitraries.of("application/json", "application/json", "application/json; charset=utf-8",
                "text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=utf-16", "application/problem+json", "*/*", "garbage");
    }

    @Provide
    Arbitrary<List<String>> headers() {
        var name = Arbitraries.of("Idempotency-Key", "Prefer", "X-Request-Id", "Last-Event-ID", "Accept",
                "Origin", "Accept-Charset", "If-None-Match");
        var value = Arbitraries.oneOf(Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80),
                Arbitraries.of("wait=-1", "wait=99999999999", "respond-async", "application/xml", "text/event-stream",
                        "https://app.example", "https://evil.example", "*/*", "-1", "0"));
        return Combinators.combine(name, value).as(List::of).list().ofMaxSize(3)
                .map(pairs -> pairs.stream().flatMap(List::stream).toList());
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.of("Bearer {token}", "Bearer {token}", "Bearer {token}", "", "Bearer ", "Basic Zm9vOmJhcg==",
                "Bearer a.b.c", "bearer {token}", "Bearer {token}x");
    }

    /** Random frames, valid and not, on both WebSocket endpoints: only error or normal frames come back, the socket stays up. */
    @Property(tries = 1000, shrinking = ShrinkingMode.OFF, seed = SEED)
    void webSocketFramesNeverBreakTheConnection(@ForAll("frames") String frame, @ForAll("sockets") String path) {
        var socket = SOCKETS.computeIfAbsent(path, p -> WsClient.connect(server, p, token));
        socket.send(resolve(frame));
        FRAMES.incrementAndGet();
        assertTrue(!socket.closed.isDone(), () -> path + " closed after " + frame + ": " + socket.closed.getNow(null));
    }

    /**
     * Sockets that only ever get refused frames, so each frame is answered by exactly one error
     * frame: the README's code for it, and the socket stays open.
     */
    @Property(tries = 1000, shrinking = ShrinkingMode.OFF, seed = SEED)
    void aRefusedFrameGetsItsCodeAndTheSocketStaysOpen(@ForAll("refusedFrames") Shape frame, @ForAll("sockets") String path) {
        var socket = REFUSING.computeIfAbsent(path, p -> WsClient.connect(server, p, token));
        socket.send(frame.text());
        FRAMES.incrementAndGet();
        JsonObject answer;
        do {
            answer = socket.next(Duration.ofSeconds(30));
        } while (answer.getString("type", "").equals("keep-alive"));
        assertEquals("error", answer.getString("type"), frame + " on " + path + " -> " + answer);
        assertEquals(frame.code(), answer.getString("code"), frame + " on " + path + " -> " + answer);
        // problem+json's members, the status a number
        assertTrue(answer.getInt("status") >= 400 && answer.getInt("status") < 500 && !answer.getString("detail").isEmpty()
                && !answer.getString("title").isEmpty(), answer.toString());
        assertTrue(!socket.closed.isDone(), () -> path + " closed after " + frame + ": " + socket.closed.getNow(null));
    }

    /**
     * A text frame that is not UTF-8 breaks the WebSocket protocol itself: the container closes
     * that connection with 1007 (invalid payload), never 1011 (server error), before Rafiki sees it.
     */
    @Example
    void aTextFrameThatIsNotUtf8ClosesThatSocketAsInvalidData() throws Exception {
        for (var path : List.of("/ws", "/query_stream")) {
            try (var raw = new StalledWebSocket(server.base().getPort(), path, token)) {
                raw.sendText(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'});
                var closed = raw.drainUntilClose(Duration.ofSeconds(30));
                assertTrue(closed != null && closed.startsWith("1007"), path + " closed with " + closed);
            }
        }
    }

    static final Map<String, WsClient> SOCKETS = new ConcurrentHashMap<>();
    static final Map<String, WsClient> REFUSING = new ConcurrentHashMap<>();

    @Provide
    Arbitrary<String> sockets() {
        return Arbitraries.of("/ws", "/query_stream");
    }

    @Provide
    Arbitrary<String> frames() {
        var type = Arbitraries.of("\"subscribe\"", "\"unsubscribe\"", "\"attach\"", "\"cancel\"", "\"prompt\"", "1", "null", "\"x\"");
        var field = Arbitraries.of("session_id", "scope", "after", "prompt_id", "prompt", "busy");
        var value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30).map(s -> Json.createValue(s).toString()),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("\"{own}\"", "\"{foreign}\"", "\"user\"", "null", "[]", "{}", "-1", "1e30"));
        var object = Combinators.combine(type, Combinators.combine(field, value).as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(3))
                .as((t, fields) -> "{\"type\":" + t + (fields.isEmpty() ? "" : "," + String.join(",", fields)) + "}");
        return Arbitraries.oneOf(object, Arbitraries.strings().ofMaxLength(100), Arbitraries.of("", "[]", "{", "null", "\"\""),
                HostileJson.frames().map(Shape::text));
    }

    @Provide
    Arbitrary<Shape> refusedFrames() {
        return HostileJson.refusedFrames();
    }

    /**
     * After everything: the fuzzed sockets are open, the server is ready, a prompt is answered
     * over HTTP and over /query_stream, and every prompt the fuzz had accepted has ended.
     */
    @AfterContainer
    static void stillServingAndNothingLost() throws Exception {
        try {
            for (var socket : List.copyOf(SOCKETS.values())) {
                TimeUnit.MILLISECONDS.sleep(200);
                assertTrue(!socket.closed.isDone(), "a fuzzed socket was closed: " + socket.closed.getNow(null));
            }
            assertTrue(REFUSING.values().stream().noneMatch(s -> s.closed.isDone()), "a refusing socket was closed");
            var api = new Api(server.base(), token);
            var ready = api.get("/health/ready");
            assertEquals(200, ready.status(), ready.body());
            assertEquals("UP", ready.json().getString("status"), ready.body());
            assertEquals("echo: still answering", api.query(null, "still answering").getString("answer"));
            try (var stream = WsClient.connect(server, "/query_stream", token)) {
                stream.send("{\"prompt\":\"still streaming\"}");
                var last = stream.until(WsClient::terminal, Duration.ofSeconds(60));
                assertEquals("prompt.completed", last.get(last.size() - 1).getString("type"), last.toString());
            }
            Await.until("every prompt the fuzz had accepted to end", Duration.ofSeconds(120), FuzzIT::unfinishedPrompts, n -> n == 0);
        } finally {
            SOCKETS.values().forEach(WsClient::close);
            REFUSING.values().forEach(WsClient::close);
            System.out.printf("Fuzz: %d HTTP cases and %d WebSocket frames in %d s, statuses %s; refused bodies by code %s;"
                            + " %d answered outside the application, e.g. %s%n",
                    CASES.get(), FRAMES.get(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                    new java.util.TreeMap<>(STATUSES), new java.util.TreeMap<>(REFUSALS), OUTSIDE_THE_APPLICATION.size(),
                    OUTSIDE_THE_APPLICATION.stream().limit(8).toList());
        }
    }

    static long unfinishedPrompts() {
        try (var db = server.database();
             var query = db.prepareStatement("SELECT count(*) FROM prompt WHERE owner = 'fuzz-user' AND status IN ('queued', 'running')");
             var rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
