package dev.rafiki.it;

import static dev.rafiki.it.support.FullServerKit.ear;
import static dev.rafiki.it.support.FullServerKit.startPostgres;
import static dev.rafiki.it.support.FullServerKit.stopOrphanPostgres;
import static dev.rafiki.it.support.FullServerKit.writeSigningKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.PayaraServerDomain;
import dev.rafiki.it.support.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * The EAR ({@code ear/target/rafiki.ear}) on a real Payara Server 6 domain, set up with the
 * README's asadmin steps: the ActiveMQ adapter with an embedded broker, the database and token
 * settings as system properties (read through MicroProfile Config), then the EAR. Driven over
 * HTTP like any client: a query, the session's messages, a background job, and callers the API
 * must refuse. The Payara Micro WAR is covered by every other {@code *IT}.
 */
class EarIT {

    /** Not the packaged default (rafiki-dev): the operator's setting must win over it. */
    private static final String ISSUER = "https://id.example.test/rafiki-ear";

    static Path work;
    static EmbeddedPostgres postgres;
    static PayaraServerDomain domain;
    static Path privateKey;
    static URI base;
    static Api api;

    @BeforeAll
    static void deployTheEarOnPayaraServer() throws Exception {
        work = Path.of(System.getProperty("rafiki.it.work", "target/it")).toAbsolutePath().resolve("ear");
        // a fresh start: an earlier run's broker store would deliver its messages to this run
        PayaraServerDomain.stopLeftOver(work, "rafiki");
        stopOrphanPostgres(work.resolve("postgres/postmaster.pid"));
        PayaraServerDomain.deleteTree(work);
        domain = PayaraServerDomain.create(Path.of(System.getProperty("payara.serverHome")), work, "rafiki");
        postgres = startPostgres(work.resolve("postgres"));
        privateKey = writeSigningKey(work.resolve("jwt"));
        var brokerXml = writeBrokerXml(work.resolve("broker"));

        domain.start();
        domain.asadmin("create-resource-adapter-config", "--property",
                "ServerUrl=" + PayaraServerDomain.escape("vm://embedded?create=false")
                        + ":BrokerXmlConfig=" + PayaraServerDomain.escape("xbean:file:" + brokerXml),
                "activemq-rar");
        domain.asadmin("deploy", "--name", "activemq-rar", rar().toString());
        var settings = Map.of(
                "rafiki.db.url", postgres.getJdbcUrl("postgres", "postgres").replaceFirst("\\?.*", ""),
                "rafiki.db.user", "postgres",
                "rafiki.db.password", "postgres",
                "rafiki.data.dir", work.resolve("data").toString(),
                "mp.jwt.verify.publickey.location", work.resolve("jwt/public.pem").toUri().toString(),
                "mp.jwt.verify.issuer", ISSUER);
        domain.asadmin("create-system-properties", settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + PayaraServerDomain.escape(e.getValue()))
                .collect(Collectors.joining(":")));
        domain.asadmin("deploy", ear().toString());

        base = URI.create("http://127.0.0.1:" + domain.httpPort());
        awaitReady();
        api = new Api(base, token("ear-user", "user"));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (domain != null) {
                domain.stop();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void aQueryIsAnsweredAndBothMessagesAreStoredInItsSession() {
        var answer = api.query(null, "hello from the EAR");

        assertEquals("echo: hello from the EAR", answer.getString("answer"));
        assertEquals("completed", answer.getString("status"));
        var messages = api.messages(answer.getString("session_id"));
        assertEquals(List.of("user:hello from the EAR", "assistant:echo: hello from the EAR"),
                messages.stream().map(m -> m.getString("role") + ":" + m.getString("content")).toList());
    }

    @Test
    void aJobRunsInTheBackgroundUntilItSucceeds() {
        var submitted = api.post("/submit", "{\"prompt\":\"a job on the full server\"}");
        assertEquals(202, submitted.status(), submitted.body());
        var jobId = submitted.json().getString("id");

        var job = api.get("/jobs/" + jobId).json();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!List.of("completed", "failed", "cancelled").contains(job.getString("status")) && System.nanoTime() < deadline) {
            sleep(200);
            job = api.get("/jobs/" + jobId).json();
        }
        assertEquals("completed", job.getString("status"), job.toString());
        assertEquals("echo: a job on the full server", job.getString("answer"));
    }

    /** The answers' schemas are generated by the application's OpenAPI filter: Payara Server must run it too. */
    @Test
    void theOpenApiDocumentCarriesTheSchemasGeneratedFromTheViews() {
        var answer = api.get("/openapi?format=JSON");
        assertEquals(200, answer.status(), answer.body());
        var document = answer.json();
        var job = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("JobView");
        assertTrue(job != null && job.getJsonObject("properties").containsKey("session_id"),
                () -> "JobView: " + job + "; schemas: " + document.getJsonObject("components").getJsonObject("schemas").keySet()
                        + "; paths: " + document.getJsonObject("paths").keySet());
        assertTrue(job.getJsonArray("required").toString().contains("\"id\""), job.toString());
        assertTrue(document.getJsonObject("paths").containsKey("/session/{id}/files/{path}"), "the filter's plain templates");
    }

    /** Authorisation is the container's job here: the EAR must not lose it (it once did, see web.xml). */
    @Test
    void callersWithoutAValidTokenOrTheRoleAreRefused() {
        var body = "{\"prompt\":\"let me in\"}";
        var anonymous = api.as(null).post("/query", body);
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals("application/problem+json", anonymous.contentType());

        assertEquals(401, api.as(token("ear-user", "user") + "x").post("/query", body).status(), "bad signature");
        assertEquals(401, api.as(tokenFrom("rafiki-dev", "ear-user", "user")).post("/query", body).status(),
                "the packaged default issuer no longer counts once the operator set another");
        assertEquals(403, api.as(token("guest", "guest")).post("/query", body).status());
        assertEquals(403, api.get("/admin/dead-letters").status(), "the admin API needs the admin group");
        assertEquals(200, api.as(token("ear-admin", "admin")).get("/admin/dead-letters").status());
    }

    private static String token(String subject, String... groups) {
        return tokenFrom(ISSUER, subject, groups);
    }

    private static String tokenFrom(String issuer, String subject, String... groups) {
        var claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", groups);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setGeneratedJwtId();
        try {
            return Tokens.sign(claims, Tokens.privateKey(privateKey), AlgorithmIdentifiers.RSA_USING_SHA256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path rar() {
        return Path.of(System.getProperty("rafiki.activemqRar", "../launcher/target/rafiki/activemq-rar.rar"))
                .toAbsolutePath().normalize();
    }

    /** The embedded broker of the launcher's setup: persistent, KahaDB under the test's directory. */
    private static Path writeBrokerXml(Path directory) throws IOException {
        Files.createDirectories(directory);
        var xml = """
                <beans xmlns="http://www.springframework.org/schema/beans"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
                  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="embedded" persistent="true"
                          useJmx="false" useShutdownHook="false" dataDirectory="%1$s">
                    <persistenceAdapter>
                      <kahaDB directory="%1$s/kahadb"/>
                    </persistenceAdapter>
                  </broker>
                </beans>
                """.formatted(directory);
        var file = directory.resolve("broker.xml");
        Files.writeString(file, xml);
        return file;
    }

    private static void awaitReady() {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var request = HttpRequest.newBuilder(base.resolve("/health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                var response = client.send(request, HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && response.body().contains("\"rafiki\"")) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException("the EAR was not ready: " + last + "\n" + domain.tail(domain.serverLog(), 80));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
