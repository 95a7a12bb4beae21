package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.Browser;
import dev.rafiki.it.support.FakeModelProviders;
import dev.rafiki.it.support.RafikiServer;
import jakarta.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser (headless Chromium through WebDriver) against a real server
 * of its own (it is killed and restarted): signing in with the offered development token, an
 * answer streamed token by token, a tool call with its arguments and result, a stream that
 * outlives a {@code kill -9} of the server and shows the whole answer once, jobs with a CSV
 * preview, a download and the webhook log, the operator view for administrators only, and a page
 * that stays on its origin under its Content-Security-Policy. Screenshots of each view are written
 * to {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    static final Duration RESTART = Duration.ofMinutes(4);
    /** Console messages that are never acceptable: a policy violation, an exception the page did not handle. */
    static final Pattern BROKEN = Pattern.compile("Content Security Policy|Refused to|Uncaught|TypeError|ReferenceError|SyntaxError");

    static FakeModelProviders models;
    static RafikiServer server;
    static Browser browser;
    static Api api;
    static String console;
    static final List<String> allowedErrors = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        models = new FakeModelProviders();
        server = RafikiServer.start("console", RafikiServer.env(
                "RAFIKI_PROVIDER_OPENAI_BASE_URL", models.openAiBaseUrl(),
                "RAFIKI_PROVIDER_OPENAI_API_KEY", FakeModelProviders.OPENAI_KEY,
                // a job whose model keeps failing is dead-lettered after two quick attempts
                "RAFIKI_MODEL_MAX_RETRIES", "0",
                "RAFIKI_JOBS_MAX_ATTEMPTS", "2",
                "RAFIKI_JOBS_RETRY_BACKOFF_MS", "200",
                // the test's webhook receiver listens on loopback
                "RAFIKI_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true",
                "RAFIKI_WEBHOOKS_BACKOFF_MS", "300"));
        api = server.api();
        console = server.base() + "/console/";
        browser = Browser.start(Path.of("target"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop();
        }
        if (models != null) {
            models.close();
        }
    }

    /** After each test: the page logged no error but those the test expected (a refusal it provoked). */
    @AfterEach
    void pageLoggedNoUnexpectedError() {
        var unexpected = browser.console().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(e -> BROKEN.matcher(e.getMessage()).find() || allowedErrors.stream().noneMatch(e.getMessage()::contains))
                .map(LogEntry::getMessage).toList();
        allowedErrors.clear();
        assertEquals(List.of(), unexpected, "console errors");
    }

    @Test
    @Order(1)
    void signsInWithTheDevelopmentTokenTheServerOffers() throws Exception {
        browser.open(console);
        browser.visible("#use-dev-token");
        browser.screenshot("01-sign-in");
        browser.find("#use-dev-token").click();
        browser.until("the sessions view", d -> browser.text("#sessions").contains("No sessions yet"));
        assertEquals("dev (user)", browser.text("#who-name"));

        // the offer is for pages on this machine that name it: never for a name that was rebound to it
        assertEquals("200", devTokenOffer("127.0.0.1:" + server.base().getPort()).get(0));
        assertTrue(devTokenOffer("127.0.0.1:" + server.base().getPort()).get(1).contains(server.devToken()));
        assertEquals("204", devTokenOffer("rafiki.example:" + server.base().getPort()).get(0));
    }

    @Test
    @Order(2)
    void streamsAnAnswerTokenByToken() throws Exception {
        createSessionInThePage("Streaming demo");
        var words = "the quick brown fox jumps over the lazy dog and keeps on running";
        send("/slow 150 " + words);

        var seen = new LinkedHashSet<String>();
        boolean pictured = false;
        String status = "";
        long deadline = System.nanoTime() + Browser.PATIENCE.toNanos();
        while (!status.equals("completed") && System.nanoTime() < deadline) {
            var text = answer("article.turn");
            if (!text.isEmpty()) {
                seen.add(text);
            }
            if (!pictured && text.split(" ").length >= 5) {
                browser.screenshot("02-chat-streaming");
                pictured = true;
            }
            status = attribute("article.turn", "data-status");
        }
        var expected = "echo: " + words;
        assertEquals(expected, answer("article.turn"));
        var growth = new ArrayList<>(seen);
        assertTrue(growth.size() >= 4, "the answer grew piece by piece, as it streamed: " + growth);
        for (int i = 1; i < growth.size(); i++) {
            assertTrue(growth.get(i).startsWith(growth.get(i - 1)), "each view extends the one before: " + growth);
        }
        assertTrue(expected.startsWith(growth.get(0)) && !growth.get(0).equals(expected));
    }

    @Test
    @Order(3)
    void showsAToolCallWithItsArgumentsResultAndDuration() throws Exception {
        // the fake OpenAI service streams a write_file call in fragments, then answers from its result
        createSessionInThePage("Tools");
        browser.find("#prompt-model").sendKeys("openai/gpt-4o-mini");
        send("please write a file");
        browser.until("the answer", d -> attribute("article.turn", "data-status").equals("completed"));
        var call = browser.visible(".tool-call[data-name='write_file'][data-state='ok']");
        assertEquals("write_file", call.findElement(By.cssSelector(".tool-name")).getText());
        var arguments = call.findElement(By.cssSelector(".args")).getText();
        assertTrue(arguments.contains("\"path\": \"from-openai.txt\"") && arguments.contains("\"content\": \"written by openai\""),
                arguments);
        var result = call.findElement(By.cssSelector(".result")).getText();
        assertTrue(result.contains("from-openai.txt"), result);
        assertTrue(call.findElement(By.cssSelector(".duration")).getText().matches("\\d+(\\.\\d+)? m?s"));
        assertTrue(answer("article.turn").startsWith("done: "), answer("article.turn"));
        browser.screenshot("03-chat-tool-call");
    }

    @Test
    @Order(4)
    void findsSessionsByTitleAndPagesThroughThem() throws Exception {
        for (int i = 1; i <= 22; i++) {
            assertEquals(201, api.post("/session", Json.createObjectBuilder().add("title", "paged " + i).build().toString()).status());
        }
        browser.open(console + "#/sessions");
        search("PAGED");
        browser.until("a full first page", d -> rows("#sessions tr.row").size() == 20);
        browser.screenshot("04-sessions");
        browser.find("#next-page").click();
        // newest first, as GET /sessions lists them
        browser.until("the oldest two", d -> titles().equals(List.of("paged 2", "paged 1")));
        browser.find("#previous-page").click();
        browser.until("the first page again", d -> titles().equals(
                IntStream.rangeClosed(3, 22).mapToObj(i -> "paged " + (25 - i)).toList()));
        search("demo");
        browser.until("one session", d -> titles().equals(List.of("Streaming demo")));
        search("no such title");
        browser.until("none", d -> browser.text("#sessions").contains("No session's title contains"));

        // the search is text, not a pattern: % and _ match only themselves
        assertEquals(201, api.post("/session", "{\"title\":\"50% off_sale\"}").status());
        for (var text : List.of("%25", "_", "0%25%20OFF")) {
            var found = api.get("/sessions?q=" + text).json().getJsonArray("items");
            assertEquals(List.of("50% off_sale"), found.stream().map(v -> v.asJsonObject().getString("title")).toList(), text);
        }
        assertEquals(400, api.get("/sessions?q=" + "x".repeat(201)).status());
        assertEquals(400, api.get("/sessions?q=a%00b").status(), "NUL, which PostgreSQL cannot compare");
    }

    @Test
    @Order(5)
    void aServerKilledMidStreamLeavesTheWholeAnswerOnThePageOnce() throws Exception {
        var words = IntStream.rangeClosed(1, 30).mapToObj(i -> String.format("w%02d", i)).collect(Collectors.joining(" "));
        createSessionInThePage("Crash test");
        send("/slow 300 " + words);
        browser.until("a few words", d -> answer("article.turn").contains("w03"));

        server.crash();
        allowedErrors.addAll(List.of("WebSocket connection", "ERR_CONNECTION_REFUSED", "ERR_EMPTY_RESPONSE",
                "status of 503", "ERR_CONNECTION_RESET", "ERR_SOCKET_NOT_CONNECTED"));
        browser.until("the page to notice", d -> attribute("#stream-state", "data-state").equals("reconnecting"));
        browser.screenshot("05-chat-reconnecting");
        var before = answer("article.turn");

        server.launch();
        browser.until("the answer to complete after the restart", RESTART,
                d -> attribute("article.turn", "data-status").equals("completed"));
        var expected = "echo: " + words;
        assertEquals(expected, answer("article.turn"), "the whole answer, once (the page had " + before + ")");
        assertEquals(1, browser.all("article.turn").size());
        assertEquals("live", attribute("#stream-state", "data-state"));
        var recorded = Await.until("the answer in the history", Browser.PATIENCE, () -> api.messages(sessionInThePage()),
                m -> m.size() == 2);
        assertEquals(expected, recorded.get(1).getString("content"), "the page shows what the server recorded");
        browser.screenshot("06-chat-after-restart");
    }

    @Test
    @Order(6)
    void jobsHaveLiveProgressAPreviewADownloadAndTheirWebhookLog() throws Exception {
        var calls = new AtomicInteger();
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            // down once, then up: the job shows both attempts
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            var csv = "city,population\nLagos,15388000\nNairobi,4397073\n\"Dar es Salaam, TZ\",7405000\n";
            var script = Json.createArrayBuilder()
                    .add(step("write_file", Json.createObjectBuilder().add("path", "out/cities.csv").add("content", csv)))
                    .add(step("report_progress", Json.createObjectBuilder().add("percent", 50).add("message", "table written")))
                    .add(step("save_artifact", Json.createObjectBuilder().add("name", "cities.csv").add("path", "out/cities.csv")))
                    .add(step("save_artifact", Json.createObjectBuilder().add("name", "summary.txt").add("content", "three cities")))
                    .build();
            var submitted = api.post("/submit", Json.createObjectBuilder().add("prompt", "/tools " + script)
                    .add("metadata", Json.createObjectBuilder().add("report", "cities"))
                    .add("webhook", Json.createObjectBuilder().add("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
                    .build().toString());
            assertEquals(202, submitted.status(), submitted.body());
            var jobId = submitted.json().getString("id");

            browser.open(console + "#/jobs");
            browser.visible("#jobs tr.row[data-job-id='" + jobId + "']");
            browser.click("#jobs tr.row[data-job-id='" + jobId + "'] a");
            browser.until("the job to succeed", d -> browser.text("#job-summary .job-status").startsWith("completed"));
            browser.until("both artifacts", d -> browser.all("#artifacts tr.artifact").size() == 2);
            browser.until("the delivered webhook", d -> browser.all("#deliveries .delivery[data-status='delivered'] tbody tr").size() == 2);
            assertTrue(browser.text("#deliveries").contains("HTTP 503") && browser.text("#deliveries").contains("HTTP 204"),
                    browser.text("#deliveries"));
            assertTrue(browser.text("#job-events").contains("job.progress"), browser.text("#job-events"));

            browser.click("#artifacts tr[data-name='cities.csv'] .preview-button");
            var table = browser.visible("#csv-preview");
            assertEquals(List.of("city", "population"), texts(table.findElements(By.cssSelector("thead th"))));
            assertEquals(List.of("Lagos", "15388000", "Nairobi", "4397073", "Dar es Salaam, TZ", "7405000"),
                    texts(table.findElements(By.cssSelector("tbody td"))));
            browser.fullPageScreenshot("07-job");

            var downloaded = browser.downloads().resolve("cities.csv");
            Files.deleteIfExists(downloaded);
            browser.click("#artifacts tr[data-name='cities.csv'] .download-button");
            Await.until("the download", Browser.PATIENCE, () -> Files.exists(downloaded) && readOrEmpty(downloaded).equals(csv), done -> done);

            browser.click("#artifacts tr[data-name='summary.txt'] .preview-button");
            browser.until("the text preview", d -> browser.text("#text-preview").equals("three cities"));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    @Order(7)
    void aJobSubmittedFromThePageCanBeCancelledAndSubmittedAgain() throws Exception {
        browser.open(console + "#/jobs");
        browser.visible("#job-prompt").sendKeys("/slow 1000 " + "slowly ".repeat(30).strip());
        browser.find("#submit-job").click();
        browser.until("the job page", d -> d.getCurrentUrl().matches(".*#/jobs/[0-9a-f-]{36}$"));
        var first = browser.driver().getCurrentUrl();
        browser.click("#cancel-job");
        browser.until("the job to be cancelled", d -> browser.text("#job-summary .job-status").startsWith("cancelled"));
        browser.click("#submit-again");
        browser.until("a new job", d -> !d.getCurrentUrl().equals(first) && d.getCurrentUrl().matches(".*#/jobs/[0-9a-f-]{36}$"));
        browser.click("#cancel-job");
        browser.until("the copy to be cancelled too", d -> browser.text("#job-summary .job-status").startsWith("cancelled"));

        browser.open(console + "#/jobs");
        new Select(browser.visible("#job-status")).selectByValue("cancelled");
        browser.until("only cancelled jobs", d -> rows("#jobs tr.row").size() == 2
                && rows("#jobs tr.row").stream().allMatch(r -> "cancelled".equals(r.getAttribute("data-status"))));
        browser.screenshot("08-jobs");
    }

    @Test
    @Order(8)
    void theOperatorViewIsForAdministratorsOnly() throws Exception {
        var failing = api.post("/submit", "{\"prompt\":\"fail 503\",\"model\":\"openai/gpt-4o-mini\"}");
        assertEquals(202, failing.status(), failing.body());
        var deadJob = failing.json().getString("id");
        Await.until("the job to be dead-lettered", Browser.PATIENCE, () -> api.get("/jobs/" + deadJob).json(),
                job -> job.containsKey("dead_lettered_at"));

        signInWith(server.tokenFor("ops", "user", "admin"));
        browser.open(console + "#/operator");
        browser.visible("#dead-letters tr.letter[data-job-id='" + deadJob + "']");
        // something to watch: jobs queued behind each other in one session, and prompts at a steady pace
        var busy = api.createSession();
        for (int i = 0; i < 4; i++) {
            assertEquals(202, api.post("/submit", Json.createObjectBuilder().add("session_id", busy)
                    .add("prompt", "/slow 600 one two three four five six seven eight").build().toString()).status());
        }
        for (int i = 0; i < 20; i++) {
            api.query(null, "traffic for the charts " + i);
            RafikiServer.sleep(500);
        }
        browser.until("a quarter minute of scrapes in every chart", d -> browser.all("spark-chart").size() == 5
                && browser.all("spark-chart").stream().allMatch(c -> Integer.parseInt(value(c.getAttribute("data-points"))) >= 8));
        assertFalse(browser.text("#chart-throughput .chart-peak").equals("max 0/s"), "the finished prompts were counted");
        assertFalse(browser.all("#chart-tokens .key[data-series='echo']").isEmpty(), "echo's tokens, by provider");
        assertTrue(browser.text("#chart-streams").contains("ws"), browser.text("#chart-streams"));
        browser.screenshot("09-operator");

        signInWith(server.tokenFor("visitor", "user"));
        allowedErrors.add("status of 403");
        browser.open(console + "#/operator");
        assertTrue(browser.visible("#operator-refused").getText().contains("403"));
        assertTrue(browser.all("spark-chart").isEmpty());
        browser.screenshot("10-operator-refused");
    }

    @Test
    @Order(9)
    void thePageStaysOnItsOriginUnderAStrictPolicy() throws Exception {
        var page = new Api(server.base(), null).get("/console/");
        assertEquals(200, page.status());
        var policy = page.header("Content-Security-Policy");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'")
                && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe"), policy);
        assertEquals("nosniff", page.header("X-Content-Type-Options"));

        // every view once more, as a user who is also an administrator: not one console message
        signInWith(server.tokenFor("dev", "user", "admin"));
        var job = api.get("/jobs?limit=1").json().getJsonArray("items").getJsonObject(0).getString("id");
        var session = api.get("/sessions?limit=1").json().getJsonArray("items").getJsonObject(0).getString("id");
        var views = new java.util.LinkedHashMap<String, String>();
        views.put("#/sessions", "#sessions table");
        views.put("#/jobs", "#jobs table");
        views.put("#/jobs/" + job, "#stream-state[data-state='live']");
        views.put("#/operator", "spark-chart[data-points]");
        views.put("#/sessions/" + session, "#stream-state[data-state='live']");
        for (var view : views.entrySet()) {
            browser.open(console + view.getKey());
            browser.visible(view.getValue());
        }
        var origin = server.base().toString();
        var requested = browser.requested(origin + "/");
        var outside = requested.stream()
                .filter(url -> !url.startsWith(origin + "/") && !url.startsWith(origin.replace("http:", "ws:") + "/")
                        && !url.startsWith("blob:") && !url.startsWith("data:"))
                .toList();
        assertEquals(List.of(), outside, "requests outside the server's origin");
        assertTrue(requested.stream().anyMatch(url -> url.contains("/ws?access_token=")), "the page used WebSockets");
        for (var url : requested) {
            var token = java.net.URI.create(url).getQuery();
            if (token != null && token.startsWith("access_token=")) {
                assertEquals("rafiki-stream", issuer(token.substring("access_token=".length())),
                        "only short-lived stream tokens go into URLs, never the signed-in bearer token");
            }
        }

        // and the policy is in force: an inline script, an inline style and another origin are refused
        browser.console();
        var violations = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const seen = [];
                document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
                const script = document.createElement('script');
                script.textContent = 'window.inlineRan = true';
                document.head.append(script);
                document.body.setAttribute('style', 'background: red');
                fetch('http://127.0.0.2:9/elsewhere').catch(() => {});
                setTimeout(() => done(seen.sort().join(',') + (window.inlineRan ? ',inline-ran' : '')), 1000);
                """);
        assertEquals("connect-src,script-src-elem,style-src-attr", violations);
        allowedErrors.addAll(List.of("Content Security Policy", "Refused to", "127.0.0.2"));
        browser.console();
    }

    private void createSessionInThePage(String title) {
        browser.open(console + "#/sessions");
        browser.visible("#new-title").sendKeys(title);
        browser.find("#new-session").click();
        browser.until("the new session", d -> browser.text("#session-status").length() > 0
                && "live".equals(attribute("#stream-state", "data-state")));
    }

    private String sessionInThePage() {
        var url = browser.driver().getCurrentUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private void send(String prompt) {
        var field = browser.find("#prompt");
        field.clear();
        field.sendKeys(prompt);
        browser.find("#send").click();
        browser.visible("article.turn");
    }

    private void search(String text) {
        var field = browser.visible("#session-search");
        field.clear();
        field.sendKeys(text, Keys.ENTER);
    }

    private void signInWith(String token) {
        if (!browser.all("#who:not([hidden])").isEmpty()) {
            browser.find("#sign-out").click();
        }
        browser.open(console);
        browser.visible("#token").sendKeys(token);
        browser.find("#sign-in").click();
        browser.until("signed in", d -> !browser.all("#who:not([hidden])").isEmpty());
    }

    private List<WebElement> rows(String css) {
        return browser.all(css);
    }

    private List<String> titles() {
        return texts(browser.all("#sessions tr.row td:first-child"));
    }

    /**
     * The answer's text as the page shows it, read in one script: the page redraws a turn at every
     * event, so element handles held across calls would go stale.
     */
    private String answer(String turn) {
        return (String) browser.script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent).join('')",
                turn + " .assistant .text");
    }

    private String attribute(String css, String name) {
        var value = browser.script("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : ''",
                css, name);
        return value == null ? "" : value.toString();
    }

    private static String value(String attribute) {
        return attribute == null ? "0" : attribute;
    }

    private static List<String> texts(List<WebElement> elements) {
        return elements.stream().map(WebElement::getText).toList();
    }

    private static jakarta.json.JsonObjectBuilder step(String tool, jakarta.json.JsonObjectBuilder arguments) {
        return Json.createObjectBuilder().add("name", tool).add("arguments", arguments);
    }

    private static String issuer(String jwt) {
        var payload = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return Json.createReader(new java.io.StringReader(payload)).readObject().getString("iss");
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException stillWriting) {
            return "";
        }
    }

    /**
     * {@code GET /console/dev-token} with the given Host header, over a plain socket (the JDK's
     * HTTP client does not let a caller set Host): the status and the body.
     */
    private static List<String> devTokenOffer(String host) throws IOException {
        try (var socket = new Socket("127.0.0.1", server.base().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /console/dev-token HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            var response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return List.of(response.split(" ", 3)[1], response);
        }
    }
}
