package dev.rafiki.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * The development signing key (kept in the data directory) and a ready-to-use token for the
 * default user, so a newcomer can call the API at once. Never used when a production key is set.
 */
final class DevJwt {

    static final String ISSUER = "rafiki-dev";
    static final String DEFAULT_USER = "dev";

    private final Path directory;
    private final KeyPair keys;

    private DevJwt(Path directory, KeyPair keys) {
        this.directory = directory;
        this.keys = keys;
    }

    static DevJwt loadOrCreate(Path directory) throws IOException {
        Files.createDirectories(directory);
        var privateFile = directory.resolve("private.pem");
        var publicFile = directory.resolve("public.pem");
        try {
            var rsa = KeyFactory.getInstance("RSA");
            if (Files.exists(privateFile) && Files.exists(publicFile)) {
                var privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(pem(privateFile)));
                var publicKey = rsa.generatePublic(new X509EncodedKeySpec(pem(publicFile)));
                return new DevJwt(directory, new KeyPair(publicKey, privateKey));
            }
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            writePem(privateFile, "PRIVATE KEY", pair.getPrivate().getEncoded(), true);
            writePem(publicFile, "PUBLIC KEY", pair.getPublic().getEncoded(), false);
            return new DevJwt(directory, pair);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot create the development signing key in " + directory, e);
        }
    }

    Path publicKeyFile() {
        return directory.resolve("public.pem");
    }

    RSAPublicKey publicKey() {
        return (RSAPublicKey) keys.getPublic();
    }

    String token(String subject, List<String> groups, long validSeconds) {
        var claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", groups);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(validSeconds / 60f);
        claims.setGeneratedJwtId();
        return sign(claims, keys.getPrivate());
    }

    static String sign(JwtClaims claims, PrivateKey key) {
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue("rafiki-dev");
        jws.setHeader("typ", "JWT");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(Path file) throws IOException {
        var body = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        var text = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        if (secret) {
            writeSecret(file, text);
        } else {
            Files.writeString(file, text);
        }
    }

    /** Creates the file readable by its owner only from the first byte, never briefly world-readable. */
    static void writeSecret(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }
}
