package dev.rafiki.it;

import static dev.rafiki.it.support.FullServerKit.ear;
import static dev.rafiki.it.support.FullServerKit.startPostgres;
import static dev.rafiki.it.support.FullServerKit.stopOrphanPostgres;
import static dev.rafiki.it.support.FullServerKit.writeSigningKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.PayaraServerDomain;
import dev.rafiki.it.support.RafikiServer;
import dev.rafiki.it.support.Tokens;
import dev.rafiki.it.support.WildFlyServer;
import dev.rafiki.it.support.WsClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The EAR ({@code ear/target/rafiki.ear}) on a real WildFly (standalone-full.xml: its own
 * ActiveMQ Artemis for JMS, MicroProfile Config and JWT, plus MicroProfile Health), set up with
 * the README's jboss-cli steps ("Deploying the EAR on WildFly"): PostgreSQL driver and
 * datasource, a pooled connection factory under the adapter name the application uses, the
 * modules WildFly lacks (MicroProfile Metrics, the JCache API), the settings as system
 * properties. Driven over HTTP and WebSocket like any client, then restarted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WildFlyIT {

    private static final String ISSUER = "https://id.example.test/rafiki-wildfly";
    private static final Duration WAIT = Duration.ofSeconds(30);

    static Path work;
    static EmbeddedPostgres postgres;
    static WildFlyServer server;
    static Path privateKey;
    static URI base;
    static Api api;

    @BeforeAll
    static void deployTheEarOnWildFly() throws Exception {
        work = Path.of(System.getProperty("rafiki.it.work", "target/it")).toAbsolutePath().resolve("wildfly");
        // a fresh start: an earlier run's journal and database would answer for this one
        WildFlyServer.stopLeftOver(work);
        stopOrphanPostgres(work.resolve("postgres/postmaster.pid"));
        PayaraServerDomain.deleteTree(work);
        server = WildFlyServer.create(Path.of(System.getProperty("wildfly.home")), work);
        postgres = startPostgres(work.resolve("postgres"));
        privateKey = writeSigningKey(work.resolve("jwt"));

        var jars = Path.of(System.getProperty("wildfly.jars")).toAbsolutePath();
        var settings = Map.of(
                "rafiki.db.url", postgres.getJdbcUrl("postgres", "postgres").replaceFirst("\\?.*", "")
                        + "?connectTimeout=5&socketTimeout=60",
                "rafiki.db.user", "postgres",
                "rafiki.db.password", "postgres",
                "rafiki.data.dir", work.resolve("data").toString(),
                "mp.jwt.verify.publickey.location", work.resolve("jwt/public.pem").toUri().toString(),
                "mp.jwt.verify.issuer", ISSUER,
                "mp.metrics.prometheus.enabled", "false");
        server.cli(setupScript(jars, work.resolve("modules"), settings, ear()));
        server.start();
        base = URI.create("http://127.0.0.1:" + server.httpPort());
        awaitDeployed();
        api = new Api(base, token("wf-user", "user"));
    }

    /** The README's steps, with this run's paths; modules go to a directory of the run. */
    static String setupScript(Path jars, Path modules, Map<String, String> settings, Path ear) {
        var metrics = List.of("smallrye-metrics", "microprofile-metrics-api", "micrometer-core", "micrometer-commons",
                "micrometer-observation", "HdrHistogram", "LatencyUtils").stream()
                .map(name -> jars.resolve(name + ".jar").toString()).collect(Collectors.joining(":"));
        var properties = settings.entrySet().stream()
                .map(e -> "/system-property=" + e.getKey() + ":add(value=\"" + e.getValue() + "\")")
                .collect(Collectors.joining("\n"));
        return """
                module add --module-root-dir=%1$s --name=org.postgresql --resources=%2$s/postgresql.jar --dependencies=java.se,jakarta.transaction.api
                module add --module-root-dir=%1$s --name=javax.cache.api --resources=%2$s/cache-api.jar
                module add --module-root-dir=%1$s --name=io.smallrye.metrics --resources=%3$s --dependencies=org.eclipse.microprofile.config.api,jakarta.enterprise.api,jakarta.interceptor.api,jakarta.annotation.api,jakarta.inject.api,jakarta.servlet.api,jakarta.ws.rs.api,java.logging,java.management,jdk.management
                embed-server --server-config=standalone-full.xml --std-out=discard
                /extension=org.wildfly.extension.microprofile.health-smallrye:add
                /extension=org.wildfly.extension.opentelemetry:add
                /extension=org.wildfly.extension.microprofile.telemetry:add
                batch
                /subsystem=microprofile-health-smallrye:add(security-enabled=false, empty-liveness-checks-status=UP, empty-readiness-checks-status=UP, empty-startup-checks-status=UP)
                /subsystem=opentelemetry:add
                /subsystem=microprofile-telemetry:add
                /subsystem=messaging-activemq/server=default/pooled-connection-factory=activemq-rar:add(connectors=[in-vm], entries=[java:/jms/activemq-rar], transaction=xa)
                /subsystem=ee:write-attribute(name=global-modules, value=[{name=javax.cache.api}, {name=io.smallrye.metrics, services=true}])
                /subsystem=datasources/jdbc-driver=postgresql:add(driver-name=postgresql, driver-module-name=org.postgresql, driver-xa-datasource-class-name=org.postgresql.xa.PGXADataSource)
                data-source add --name=rafiki --jndi-name=java:jboss/datasources/rafiki --driver-name=postgresql --connection-url=${rafiki.db.url} --user-name=${rafiki.db.user} --password=${rafiki.db.password} --min-pool-size=2 --max-pool-size=48 --blocking-timeout-wait-millis=10000 --validate-on-match=true --background-validation=false --valid-connection-checker-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker --exception-sorter-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter
                %4$s
                run-batch
                deploy %5$s
                stop-embedded-server
                """.formatted(modules, jars, metrics, properties, ear);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    @Order(1)
    void aQueryIsAnsweredAndBothMessagesAreStoredInItsSession() {
        var answer = api.query(null, "hello from WildFly");

        assertEquals("completed", answer.getString("status"), answer.toString());
        assertEquals("echo: hello from WildFly", answer.getString("answer"));
        assertEquals(List.of("user:hello from WildFly", "assistant:echo: hello from WildFly"), roles(answer.getString("session_id")));
    }

    @Test
    @Order(2)
    void aPromptStreamsOverTheWebSocketAndAStreamTokenFollowsItsSession() throws Exception {
        String sessionId;
        try (var ws = WsClient.connect(base, "/query_stream", token("wf-user", "user"))) {
            ws.send(Json.createObjectBuilder().add("prompt", "/slow 20 streamed by WildFly").build().toString());
            var accepted = ws.next(WAIT);
            assertEquals("accepted", accepted.getString("type"), accepted.toString());
            sessionId = accepted.getString("session_id");
            var frames = ws.until(WsClient::terminal, WAIT);
            assertEquals("prompt.completed", frames.get(frames.size() - 1).getString("type"));
            assertEquals("echo: streamed by WildFly", deltas(frames));
        }

        var issued = api.post("/session/" + sessionId + "/stream-token", "");
        assertEquals(200, issued.status(), issued.body());
        try (var ws = WsClient.connect(base, "/ws?access_token=" + issued.json().getString("token"), null)) {
            ws.send("{\"type\":\"subscribe\",\"session_id\":\"" + sessionId + "\",\"after\":0}");
            assertEquals("subscribed", ws.next(WAIT).getString("type"));
            var replayed = ws.until(WsClient::terminal, WAIT);
            assertEquals("echo: streamed by WildFly", deltas(replayed), "the stream token replays its session's events");
        }
    }

    @Test
    @Order(3)
    void aJobRunsInTheBackgroundAndItsArtifactIsDownloaded() {
        var submitted = api.post("/submit", "{\"prompt\":\"/tools [{\\\"name\\\":\\\"save_artifact\\\",\\\"arguments\\\":"
                + "{\\\"name\\\":\\\"report.txt\\\",\\\"content\\\":\\\"made on WildFly\\\"}}]\"}");
        assertEquals(202, submitted.status(), submitted.body());
        var jobId = submitted.json().getString("id");

        var job = api.get("/jobs/" + jobId).json();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!List.of("completed", "failed", "cancelled").contains(job.getString("status")) && System.nanoTime() < deadline) {
            RafikiServer.sleep(200);
            job = api.get("/jobs/" + jobId).json();
        }
        assertEquals("completed", job.getString("status"), job.toString());
        var download = api.get("/jobs/" + jobId + "/artifacts/report.txt");
        assertEquals(200, download.status(), download.body());
        assertEquals("made on WildFly", download.body());
    }

    @Test
    @Order(4)
    void callersWithoutAValidTokenOrOfAnotherUserAreRefused() throws Exception {
        var sessionId = api.query(null, "mine alone").getString("session_id");

        var anonymous = api.as(null).get("/session/" + sessionId);
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals("application/problem+json", anonymous.contentType());
        assertEquals(401, api.as(forged("wf-user", "user")).get("/session/" + sessionId).status(), "signed with another key");
        assertEquals(401, api.as(tokenFrom("rafiki-dev", "wf-user", "user")).get("/session/" + sessionId).status(),
                "the packaged default issuer no longer counts once the operator set another");
        assertEquals(403, api.as(token("wf-guest", "guest")).get("/session/" + sessionId).status(), "no user role");
        var foreign = api.as(token("wf-other", "user")).get("/session/" + sessionId);
        assertEquals(404, foreign.status(), "another user's session is as missing as a missing one: " + foreign.body());
        assertEquals(200, api.get("/session/" + sessionId).status());
    }

    /** Without a JCache provider the limits are kept per node, in memory: a burst still meets its budget. */
    @Test
    @Order(5)
    void aBurstBeyondTheWriteBudgetGets429() {
        var burster = api.as(token("wf-burst", "user"));
        Api.Response refused = null;
        for (int i = 0; i < 400 && refused == null; i++) {
            var response = burster.post("/session", "{}");
            if (response.status() == 429) {
                refused = response;
            } else {
                assertEquals(201, response.status(), response.body());
            }
        }
        assertTrue(refused != null, "400 sessions in a row never met the write budget (120 at once, 5/s)");
        assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
        assertTrue(refused.body().contains("\"rate-limited\""), refused.body());
        assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
        assertEquals(201, api.post("/session", "{}").status(), "another user keeps its own budget");
    }

    /** Last: the server goes down and comes back on the same configuration, database and journal. */
    @Test
    @Order(6)
    void aRestartedServerStillHasTheSessionAndAnswersInIt() {
        var first = api.query(null, "before the restart");
        var sessionId = first.getString("session_id");

        server.stop();
        server.start();
        awaitDeployed();

        assertEquals(List.of("user:before the restart", "assistant:echo: before the restart"), roles(sessionId));
        var after = api.query(sessionId, "after the restart");
        assertEquals("echo: after the restart", after.getString("answer"), after.toString());
        assertEquals(4, api.messages(sessionId).size());
    }

    private static List<String> roles(String sessionId) {
        return api.messages(sessionId).stream().map(m -> m.getString("role") + ":" + m.getString("content")).toList();
    }

    private static String deltas(List<JsonObject> frames) {
        return frames.stream().filter(f -> "message.delta".equals(f.getString("type")))
                .map(f -> f.getJsonObject("data").getString("text")).collect(Collectors.joining());
    }

    private static String token(String subject, String... groups) {
        return tokenFrom(ISSUER, subject, groups);
    }

    private static String tokenFrom(String issuer, String subject, String... groups) {
        try {
            return Tokens.sign(claims(issuer, subject, groups), Tokens.privateKey(privateKey), AlgorithmIdentifiers.RSA_USING_SHA256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Right issuer and claims, signed by a key the server does not trust. */
    private static String forged(String subject, String... groups) throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return Tokens.sign(claims(ISSUER, subject, groups), generator.generateKeyPair().getPrivate(),
                AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    private static JwtClaims claims(String issuer, String subject, String... groups) {
        var claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", groups);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setGeneratedJwtId();
        return claims;
    }

    /**
     * Until the EAR is deployed and answers: WildFly's readiness (management port) reports the
     * deployment up, then an authenticated request must get through to the database.
     */
    private static void awaitDeployed() {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        var sessions = HttpRequest.newBuilder(base.resolve("/sessions?limit=1"))
                .header("Authorization", "Bearer " + token("wf-probe", "user")).timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                var health = client.send(ready, HttpResponse.BodyHandlers.ofString());
                last = "health " + health.statusCode() + " " + health.body();
                if (health.statusCode() == 200 && health.body().contains("\"rafiki.ear\":\"OK\"")) {
                    var answer = client.send(sessions, HttpResponse.BodyHandlers.ofString());
                    last = "GET /sessions " + answer.statusCode() + " " + answer.body();
                    if (answer.statusCode() == 200) {
                        return;
                    }
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            RafikiServer.sleep(500);
        }
        throw new IllegalStateException("the EAR was not deployed on WildFly: " + last + "\n" + server.tail(server.serverLog(), 80));
    }
}
