package dev.rafiki.it.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Rafiki distribution, started the way a user starts it (the launcher jar), on its own
 * data directory and ports: embedded PostgreSQL, embedded broker, Payara Micro.
 */
public final class RafikiServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(240);

    private final String name;
    private final Path dataDir;
    private final Path log;
    private final int httpPort;
    private final int dbPort;
    private final Map<String, String> env;
    private Process launcher;

    private RafikiServer(String name, Map<String, String> env) throws IOException {
        this.name = name;
        var work = Path.of(System.getProperty("rafiki.it.work", "target/it")).toAbsolutePath();
        this.dataDir = work.resolve(name);
        this.log = work.resolve(name + ".log");
        deleteTree(dataDir);
        Files.createDirectories(dataDir);
        this.httpPort = freePort();
        this.dbPort = freePort();
        this.env = env;
    }

    /** Starts a server with its own, empty data directory. */
    public static RafikiServer start(String name, Map<String, String> env) {
        try {
            var server = new RafikiServer(name, env);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RafikiServer start(String name) {
        return start(name, Map.of());
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The launcher's and Payara Micro's output. */
    public Path log() {
        return log;
    }

    /** What the log gained after {@code from}, a size of it read earlier. */
    public String logSince(long from) {
        try (var file = java.nio.channels.FileChannel.open(log)) {
            var buffer = java.nio.ByteBuffer.allocate((int) Math.max(0, file.size() - from));
            file.read(buffer, from);
            return new String(buffer.array(), 0, buffer.position(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String devToken() {
        try {
            return Files.readString(dataDir.resolve("dev-token")).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for any user, signed with this server's development key. */
    public String tokenFor(String subject, String... groups) {
        return Tokens.sign(dataDir.resolve("dev-jwt/private.pem"), subject, List.of(groups), 3600);
    }

    public Api api() {
        return new Api(base(), devToken());
    }

    public Api api(String subject) {
        return new Api(base(), tokenFor(subject, "user"));
    }

    /** The Java client as {@code subject} (group {@code user}), at this server's address; close it after use. */
    public dev.rafiki.client.RafikiClient client(String subject) {
        var token = tokenFor(subject, "user");
        return dev.rafiki.client.RafikiClient.builder(base()).token(token).build();
    }

    /** A JDBC connection to the server's embedded PostgreSQL (only while the server runs). */
    public Connection database() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres", "postgres");
    }

    public void launch() throws IOException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(Path.of(System.getProperty("rafiki.dist", "../launcher/target/rafiki"), "rafiki-launcher.jar")
                .toAbsolutePath().toString());
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        var environment = builder.environment();
        environment.put("RAFIKI_DATA_DIR", dataDir.toString());
        environment.put("RAFIKI_HTTP_PORT", Integer.toString(httpPort));
        environment.put("RAFIKI_DB_PORT", Integer.toString(dbPort));
        environment.put("RAFIKI_JAVA_OPTS", "-Xms128m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        // Load tests send far more than a user would; the limiter still runs, it just never
        // refuses unless a test asks for its own limits (RateLimitIT).
        for (var routeClass : List.of("QUERY", "SUBMIT", "STREAM", "READ", "WRITE")) {
            environment.put("RAFIKI_RATELIMIT_" + routeClass + "_CAPACITY", "1000000");
            environment.put("RAFIKI_RATELIMIT_" + routeClass + "_REFILL_PER_SECOND", "100000");
        }
        environment.put("RAFIKI_STREAMS_MAX_PER_USER", "1000");
        environment.putAll(env);
        launcher = builder.start();
        awaitReady();
    }

    private void awaitReady() {
        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        var request = HttpRequest.newBuilder(base().resolve("/health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String lastSeen = "nothing";
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException(name + " exited with " + launcher.exitValue() + " while starting:\n" + tail());
            }
            try {
                var response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"rafiki\"")) {
                    return;
                }
                lastSeen = response.statusCode() + " " + response.body();
            } catch (IOException notYet) {
                lastSeen = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        var log = "last answer of " + request.uri() + ": " + lastSeen + "\n" + tail() + "\n" + threadDumps();
        // a server left running would keep writing into the data directory the next start of
        // the same name reuses (a later test saw its database errors in "its" log)
        try {
            stop();
        } catch (RuntimeException stopFailed) {
            log += "\n(and the stop failed: " + stopFailed.getMessage() + ")";
        }
        throw new IllegalStateException(name + " was not ready within " + STARTUP + ":\n" + log);
    }

    /** Graceful stop, as Ctrl-C does it: the launcher stops Payara Micro, then PostgreSQL. */
    public void stop() {
        if (launcher == null || !launcher.isAlive()) {
            return;
        }
        launcher.destroy();
        try {
            if (!launcher.waitFor(120, TimeUnit.SECONDS)) {
                launcher.destroyForcibly().waitFor();
                throw new IllegalStateException(name + " did not stop in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -9} of the application server (with its embedded broker); the database survives the crash. */
    public void crash() {
        try {
            long pid = Long.parseLong(Files.readString(dataDir.resolve("server.pid")).strip());
            var payara = ProcessHandle.of(pid).orElseThrow();
            new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
            payara.onExit().get(30, TimeUnit.SECONDS);
            // the launcher notices, stops PostgreSQL and exits
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("launcher did not exit after its server was killed");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the server's JVMs were doing, written into its log, for a start that never became ready. */
    private String threadDumps() {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var pids = new ArrayList<Long>();
        pids.add(launcher.pid());
        launcher.descendants().forEach(child -> pids.add(child.pid()));
        for (long pid : pids) {
            try {
                new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                return "(thread dumps failed: " + e + ")\n";
            }
        }
        return "(thread dumps of processes " + pids + " are in " + log + ")\n";
    }

    public String tail() {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Environment for a server, as a mutable copy. */
    public static Map<String, String> env(String... keyValues) {
        var map = new HashMap<String, String>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
