package dev.rafiki.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One of a cluster's shared services, the database or the broker, run by the launcher's
 * {@code services} mode in a process of its own, so that a test can stop and restart it alone, on
 * the same port and data.
 */
public final class ClusterServices implements AutoCloseable {

    private final String name;
    private final String which;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process process;

    private ClusterServices(String name, String which) throws IOException {
        this.name = name;
        this.which = which;
        var work = Path.of(System.getProperty("rafiki.it.work", "target/it")).toAbsolutePath();
        this.dataDir = work.resolve(name);
        this.log = work.resolve(name + ".log");
        RafikiServer.deleteTree(dataDir);
        this.port = RafikiServer.freePort();
    }

    /** The embedded PostgreSQL alone. */
    public static ClusterServices database(String name) throws IOException {
        var services = new ClusterServices(name, "db");
        services.start();
        return services;
    }

    /** A standalone, persistent ActiveMQ broker alone. */
    public static ClusterServices broker(String name) throws IOException {
        var services = new ClusterServices(name, "broker");
        services.start();
        return services;
    }

    public int port() {
        return port;
    }

    public void start() throws IOException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(Path.of(System.getProperty("rafiki.dist", "../launcher/target/rafiki"), "rafiki-launcher.jar")
                .toAbsolutePath().toString());
        command.add("services");
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("RAFIKI_DATA_DIR", dataDir.toString());
        builder.environment().put("RAFIKI_SERVICES", which);
        builder.environment().put(which.equals("db") ? "RAFIKI_DB_PORT" : "RAFIKI_BROKER_PORT", Integer.toString(port));
        long logged = Files.exists(log) ? Files.size(log) : 0;
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited while starting: " + Files.readString(log));
            }
            if (Files.readString(log).substring((int) logged).contains("services ready")) {
                return;
            }
            RafikiServer.sleep(100);
        }
        throw new IllegalStateException(name + " not ready in 60 s: " + Files.readString(log));
    }

    /** A clean stop, as an operator's restart does it. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
