package dev.rafiki.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Payara Server domain of its own, driven with {@code asadmin} exactly as an operator drives
 * one. Every port it opens comes from one free port base, never the defaults (4848, 8080, …):
 * other servers run on the same machine.
 */
public final class PayaraServerDomain implements AutoCloseable {

    /** The offsets from the port base that {@code create-domain --portbase} assigns, all of them opened or reserved. */
    private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};

    private final Path home;
    private final Path domains;
    private final String name;
    private final Path log;
    private final int portBase;
    private boolean started;
    /** Stops the server if the test JVM ends early (Ctrl-C of the build), without waiting for @AfterAll. */
    private final Thread onExit = new Thread(this::stopServerProcess, "payara-server-domain-stop");

    private PayaraServerDomain(Path home, Path domains, String name, Path log, int portBase) {
        this.home = home;
        this.domains = domains;
        this.name = name;
        this.log = log;
        this.portBase = portBase;
    }

    /**
     * Stops the server of a domain that an earlier, killed run left in {@code work/domains} (its
     * JUnit {@code @AfterAll} never ran), so that run's directory can be deleted.
     */
    public static void stopLeftOver(Path work, String name) {
        stopOrphan(work.resolve("domains").resolve(name).resolve("config/pid"));
    }

    /** Creates the domain in {@code work/domains}, which must not exist yet. */
    public static PayaraServerDomain create(Path home, Path work, String name) throws IOException {
        var domains = work.resolve("domains");
        Files.createDirectories(work);
        var domain = new PayaraServerDomain(home, domains, name, work.resolve("asadmin.log"), FullServerKit.freePortBase(PORT_OFFSETS, 200, 320));
        domain.run(120, "create-domain", "--domaindir", domains.toString(), "--portbase", Integer.toString(domain.portBase),
                "--nopassword", "--checkports=true", name);
        return domain;
    }

    public int httpPort() {
        return portBase + 80;
    }

    public int adminPort() {
        return portBase + 48;
    }

    public Path serverLog() {
        return domains.resolve(name).resolve("logs/server.log");
    }

    public void start() {
        started = true;
        Runtime.getRuntime().addShutdownHook(onExit);
        run(240, "start-domain", "--domaindir", domains.toString(), name);
    }

    /** A remote command against the running domain, e.g. {@code deploy}. */
    public void asadmin(String... command) {
        var args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", Integer.toString(adminPort())));
        args.addAll(List.of(command));
        run(300, args.toArray(String[]::new));
    }

    /** Stops the domain; kills it if {@code stop-domain} does not manage. */
    public void stop() {
        if (!started) {
            return;
        }
        started = false;
        try {
            run(120, "stop-domain", "--domaindir", domains.toString(), name);
        } finally {
            stopServerProcess();
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException alreadyExiting) {
                // the hook runs anyway
            }
        }
    }

    private void stopServerProcess() {
        stopOrphan(domains.resolve(name).resolve("config/pid"));
    }

    @Override
    public void close() {
        stop();
    }

    /** asadmin's property syntax: ':' separates properties and '=' separates a name from its value. */
    public static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }

    public String tail(Path file, int lines) {
        try {
            var all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }

    private void run(int timeoutSeconds, String... args) {
        // what bin/asadmin does, without depending on the unpacked script's execute bit
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+IgnoreUnrecognizedVMOptions", "-jar", home.resolve("glassfish/lib/client/appserver-cli.jar").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the server that start-domain forks runs on this same Java
        builder.environment().put("AS_JAVA", System.getProperty("java.home"));
        try {
            Files.writeString(log, "$ asadmin " + String.join(" ", args) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            var process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("asadmin " + args[0] + " did not finish in " + timeoutSeconds + " s:\n" + tail(log, 30));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("asadmin " + String.join(" ", args) + " failed:\n" + tail(log, 30)
                        + "\n--- server.log ---\n" + tail(serverLog(), 60));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A domain's server an earlier run left running, only if it is that domain's. */
    private static void stopOrphan(Path pidFile) {
        FullServerKit.stopServer(pidFile, pidFile.getParent().getParent().toString(), java.time.Duration.ofSeconds(60));
    }
}
