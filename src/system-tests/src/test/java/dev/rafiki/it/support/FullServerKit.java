package dev.rafiki.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** What the tests of the EAR on a full server (EarIT: Payara Server, WildFlyIT: WildFly) set up alike. */
public final class FullServerKit {

    private FullServerKit() {
    }

    public static Path ear() {
        var ear = Path.of(System.getProperty("rafiki.ear", "../../ear/target/rafiki.ear")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(ear), "build the EAR first: " + ear);
        return ear;
    }

    public static EmbeddedPostgres startPostgres(Path directory) throws IOException {
        Files.createDirectories(directory);
        return EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /** A PostgreSQL that a killed earlier run left on this directory (never any other). */
    public static void stopOrphanPostgres(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            var orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
            if (orphan.isPresent()) {
                orphan.get().destroy();
                orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the PostgreSQL of " + pidFile, e);
        }
    }

    /** The token signer's key pair, as an identity provider holds it; the server gets the public half. */
    public static Path writeSigningKey(Path directory) throws Exception {
        Files.createDirectories(directory);
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        var privatePem = directory.resolve("private.pem");
        Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(directory.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return privatePem;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * A base port (a multiple of 100 in [100 × {@code fromHundreds}, 100 × {@code toHundreds}))
     * at which every one of {@code offsets} is free: a full server opens all of them at once.
     * Callers keep every port below Linux's ephemeral range (32768 and up): a port found free
     * there can be taken by any outgoing connection, or by another test fork's server, before the
     * full server binds it (seen: Payara Server's start failing on "Address already in use").
     */
    public static int freePortBase(int[] offsets, int fromHundreds, int toHundreds) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(fromHundreds, toHundreds) * 100;
            if (allFree(base, offsets)) {
                return base;
            }
        }
        throw new IOException("no port base found with " + offsets.length + " free ports");
    }

    private static boolean allFree(int base, int[] offsets) {
        for (int offset : offsets) {
            try (var socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(base + offset));
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the server whose pid file this is, if it still runs and its command line names
     * {@code marker} (its own directory: never another process that reused the pid).
     */
    public static void stopServer(Path pidFile, String marker, Duration grace) {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            var server = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
            if (server.isPresent()) {
                server.get().destroy();
                try {
                    server.get().onExit().get(grace.toSeconds(), TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    server.get().destroyForcibly();
                    server.get().onExit().get(30, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the server of " + pidFile, e);
        }
    }
}
