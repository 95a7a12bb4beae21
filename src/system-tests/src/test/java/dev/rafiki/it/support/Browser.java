package dev.rafiki.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for the console's tests: Debian's headless Chromium driven through WebDriver by
 * Debian's chromedriver (both from {@code apt-get install chromium chromium-driver}, as
 * {@code .ci/run} does; Selenium never downloads a browser or a driver here). It keeps what the
 * page did: every URL it requested (from Chromium's network log) and every console message, and
 * writes screenshots under {@code target/console-screenshots/}.
 */
public final class Browser implements AutoCloseable {

    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private final ChromeDriver driver;
    private final Path screenshots;
    private final Path downloads;
    /** (document, URL) of every request seen in the browser's network log. */
    private final List<String[]> requested = new ArrayList<>();

    private Browser(ChromeDriver driver, Path screenshots, Path downloads) {
        this.driver = driver;
        this.screenshots = screenshots;
        this.downloads = downloads;
    }

    /** Starts headless Chromium; fails, with what to install, when it or its driver is missing. */
    public static Browser start(Path target) throws IOException {
        var chromium = Path.of(System.getProperty("rafiki.it.chromium", "/usr/bin/chromium"));
        var chromedriver = Path.of(System.getProperty("rafiki.it.chromedriver", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            throw new IllegalStateException("the console tests need a real browser: " + chromium + " and " + chromedriver
                    + " (apt-get install chromium chromium-driver, as .ci/run does)");
        }
        var screenshots = Files.createDirectories(target.resolve("console-screenshots"));
        // absolute: Chromium ignores a relative download directory and saves to ~/Downloads
        var downloads = Files.createDirectories(target.resolve("console-downloads")).toAbsolutePath();
        var options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1360,1000", "--lang=en-US", "--user-data-dir=" + Files.createTempDirectory("console-chromium"),
                // the browser's own traffic (updates, safe browsing, metrics) stays off: this machine
                // talks to nothing but the server under test
                "--disable-background-networking", "--disable-component-update", "--disable-domain-reliability",
                "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-features=Translate,OptimizationHints");
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        var logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        logging.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(target.resolve("it/chromedriver.log").toString()))
                .build();
        return new Browser(new ChromeDriver(service, options), screenshots, downloads);
    }

    public WebDriver driver() {
        return driver;
    }

    public Path downloads() {
        return downloads;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits (generously) until the condition holds and returns its value; a changing page is retried. */
    public <T> T until(String what, Function<WebDriver, T> condition) {
        return until(what, PATIENCE, condition);
    }

    public <T> T until(String what, Duration patience, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, patience, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .ignoring(ElementNotInteractableException.class)
                .withMessage(() -> "waiting for " + what)
                .until(condition);
    }

    /** The element, once it is there and shown. */
    public WebElement visible(String css) {
        return until(css + " to show", d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed)
                .findFirst().orElse(null));
    }

    /** Clicks the element once it is there: a view redrawn meanwhile only means another try. */
    public void click(String css) {
        until("to click " + css, d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** The element's text, or "" while it is not there. */
    public String text(String css) {
        var found = driver.findElements(By.cssSelector(css));
        try {
            return found.isEmpty() ? "" : found.get(0).getText();
        } catch (StaleElementReferenceException redrawn) {
            return "";
        }
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    public Path screenshot(String name) throws IOException {
        var file = screenshots.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** A screenshot of the whole page: the window is made as tall as the page for it, then restored. */
    public Path fullPageScreenshot(String name) throws IOException {
        var window = driver.manage().window();
        var size = window.getSize();
        var viewport = ((Number) script("return window.innerHeight")).intValue();
        var page = ((Number) script("return document.documentElement.scrollHeight")).intValue();
        window.setSize(new Dimension(size.getWidth(), size.getHeight() - viewport + page));
        try {
            return screenshot(name);
        } finally {
            window.setSize(size);
        }
    }

    /**
     * Every URL that pages under {@code origin} asked for so far (documents, scripts, fetches,
     * WebSocket handshakes); the browser's own pages (its new-tab page) are not the console's.
     */
    public List<String> requested(String origin) {
        for (var entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonObject message;
            try (var reader = Json.createReader(new StringReader(entry.getMessage()))) {
                message = reader.readObject().getJsonObject("message");
            }
            var method = message.getString("method", "");
            var params = message.getJsonObject("params");
            if ("Network.requestWillBeSent".equals(method)) {
                requested.add(new String[] {params.getString("documentURL", ""), params.getJsonObject("request").getString("url")});
            } else if ("Network.webSocketCreated".equals(method)) {
                // no document named: only a page's script opens a WebSocket, and only the console's run here
                requested.add(new String[] {origin, params.getString("url")});
            }
        }
        return requested.stream().filter(r -> r[0].startsWith(origin)).map(r -> r[1]).toList();
    }

    /** The page's console messages since the last call (errors, CSP reports, uncaught exceptions). */
    public List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
