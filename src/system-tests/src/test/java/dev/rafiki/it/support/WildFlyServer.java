package dev.rafiki.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A WildFly standalone server of its own, set up with {@code jboss-cli} exactly as an operator sets
 * one up. The distribution stays untouched: configuration, data, deployments and logs live in
 * {@code work/base} ({@code jboss.server.base.dir}), added modules in {@code work/modules}
 * (appended to {@code JBOSS_MODULEPATH}). Every port moves by one free offset, never the defaults.
 */
public final class WildFlyServer implements AutoCloseable {

    /** The ports of standalone-full.xml (ajp, http, https, iiop, iiop-ssl, management http/https, transactions). */
    private static final int[] PORTS = {8009, 8080, 8443, 3528, 3529, 9990, 9993, 4712, 4713};
    /** Leaves the two cores to everyone: C1 only and a serial collector, as the other test servers run. */
    private static final String JAVA_OPTS = "-Xms256m -Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true";

    private final Path home;
    private final Path work;
    private final int offset;
    private Process script;
    /** Stops the server if the test JVM ends early (Ctrl-C of the build), without waiting for @AfterAll. */
    private final Thread onExit = new Thread(this::stopServerProcess, "wildfly-stop");

    private WildFlyServer(Path home, Path work, int offset) {
        this.home = home;
        this.work = work;
        this.offset = offset;
    }

    /** A fresh server base in {@code work/base}, copied from the distribution's {@code standalone/}. */
    public static WildFlyServer create(Path home, Path work) throws IOException {
        Files.createDirectories(work.resolve("modules"));
        copyTree(home.resolve("standalone"), work.resolve("base"));
        return new WildFlyServer(home, work, FullServerKit.freePortBase(PORTS, 100, 225));
    }

    /** Stops a server that an earlier, killed run left on {@code work} (its @AfterAll never ran). */
    public static void stopLeftOver(Path work) {
        stopOrphan(work);
    }

    public int httpPort() {
        return 8080 + offset;
    }

    public int managementPort() {
        return 9990 + offset;
    }

    public Path serverLog() {
        return work.resolve("base/log/server.log");
    }

    /** Runs a jboss-cli script (module add, then embed-server: no running server needed). */
    public void cli(String script) {
        var file = work.resolve("setup.cli");
        var log = work.resolve("jboss-cli.log");
        try {
            Files.writeString(file, script);
            var builder = new ProcessBuilder("bash", home.resolve("bin/jboss-cli.sh").toString(), "--file=" + file)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            environment(builder);
            // the embedded server edits this base directory's configuration, not the distribution's
            builder.environment().put("JAVA_OPTS", JAVA_OPTS + " -Djboss.server.base.dir=" + work.resolve("base"));
            var process = builder.start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("jboss-cli did not finish in 300 s:\n" + tail(log, 40));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("jboss-cli failed:\n" + tail(log, 60));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts standalone-full.xml from the base directory; returns once the process runs (not once deployed). */
    public void start() {
        var builder = new ProcessBuilder("bash", home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-full.xml",
                "-Djboss.server.base.dir=" + work.resolve("base"),
                "-Djboss.socket.binding.port-offset=" + offset)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
        environment(builder);
        // In the foreground: the script ends when the server does. (In the background mode,
        // LAUNCH_JBOSS_IN_BACKGROUND, the script of WildFly 37 spins in its wait loop once the
        // server ended on SIGTERM, a core at 100 % until it is killed.)
        try {
            script = builder.start();
            Runtime.getRuntime().addShutdownHook(onExit);
            Files.writeString(work.resolve("wildfly.pid"), Long.toString(serverProcess().pid()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's JVM, the script's child; its pid lets a later run stop it if this one is killed. */
    private ProcessHandle serverProcess() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var java = script.descendants()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("jboss-modules.jar")).orElse(false))
                    .findFirst();
            if (java.isPresent()) {
                return java.get();
            }
            if (!script.isAlive()) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("standalone.sh started no server:\n" + tail(work.resolve("console.log"), 40));
    }

    /** A graceful stop (SIGTERM: WildFly suspends, lets requests finish, undeploys). */
    public void stop() {
        stopServerProcess();
        if (script != null) {
            try {
                script.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            script.destroyForcibly();
            script = null;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNotAdded) {
            // nothing to remove
        }
    }

    @Override
    public void close() {
        stop();
    }

    public String tail(Path file, int lines) {
        try {
            var all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }

    private void environment(ProcessBuilder builder) {
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", JAVA_OPTS);
        builder.environment().put("JBOSS_MODULEPATH", home.resolve("modules") + ":" + work.resolve("modules"));
    }

    private void stopServerProcess() {
        stopOrphan(work);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (var path : paths.toList()) {
                var target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    /** A WildFly this work directory's earlier run left running, or this run's own. */
    private static void stopOrphan(Path work) {
        var pidFile = work.resolve("wildfly.pid");
        FullServerKit.stopServer(pidFile, work.toString(), java.time.Duration.ofSeconds(90));
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
