package dev.rafiki.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;

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
}
