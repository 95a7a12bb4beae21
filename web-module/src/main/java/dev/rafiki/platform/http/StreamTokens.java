package dev.rafiki.platform.http;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

/**
 * Short-lived tokens that can only subscribe to one session's events, safe to hand to a browser.
 * Rafiki signs them with a key of its own ({@code rafiki.stream-token.key-location}; the identity
 * provider's key is not ours to use), with an issuer and audience of their own, so MicroProfile
 * JWT refuses them on every route, and only the stream endpoints accept them, as
 * {@code access_token}, for the one session they name. Every node of a cluster must be given the
 * same key file; a missing file is created (fine for one node).
 */
@ApplicationScoped
public class StreamTokens {

    private static final Logger LOG = Logger.getLogger(StreamTokens.class.getName());
    public static final String ISSUER = "rafiki-stream";
    static final String SESSION_CLAIM = "rafiki_session";
    /** Narrows a token further, to one job's events within its session. */
    static final String JOB_CLAIM = "rafiki_job";

    /** A verified stream token: whose it is, the only session it may follow and, if set, the only job. */
    public record Grant(String subject, UUID sessionId, UUID jobId) {
    }

    /** A newly issued token. */
    public record Issued(String token, Instant expiresAt) {
    }

    @Inject
    HttpSettings settings;

    private RSAPrivateCrtKey signingKey;
    private JwtConsumer consumer;
    private long ttlSeconds;

    @PostConstruct
    void init() {
        var config = ConfigProvider.getConfig();
        ttlSeconds = settings.streamTokenTtlSeconds;
        try {
            load(settings.streamTokenKeyLocation.map(StreamTokens::path).orElse(null), config);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.severe("stream tokens are disabled: the signing key could not be loaded: " + e);
        }
    }

    private static Path path(String location) {
        return location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
    }

    void load(Path file, Config config) throws IOException, GeneralSecurityException {
        if (file == null) {
            throw new IllegalStateException("rafiki.stream-token.key-location is not set");
        }
        if (!Files.exists(file)) {
            create(file);
        }
        var der = Base64.getDecoder().decode(Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        var rsa = KeyFactory.getInstance("RSA");
        signingKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
        PublicKey verificationKey = rsa.generatePublic(new RSAPublicKeySpec(signingKey.getModulus(), signingKey.getPublicExponent()));
        consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setMaxFutureValidityInMinutes((int) Math.max(1, ttlSeconds / 60 + 1))
                .setAllowedClockSkewInSeconds(30)
                .setRequireSubject()
                .setExpectedIssuer(ISSUER)
                .setExpectedAudience(ISSUER)
                .setVerificationKey(verificationKey)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
    }

    private static void create(Path file) throws IOException, GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.createDirectories(file.getParent());
        var temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, pem);
        try {
            // another node or a concurrent start may have created it meanwhile: keep theirs
            Files.move(temporary, file);
            LOG.info("created the stream token signing key " + file);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            Files.deleteIfExists(temporary);
        }
    }

    public boolean available() {
        return signingKey != null;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** @param jobId null for a token good for the whole session */
    public Issued issue(String subject, UUID sessionId, UUID jobId) {
        var claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(ISSUER);
        claims.setSubject(subject);
        claims.setClaim(SESSION_CLAIM, sessionId.toString());
        if (jobId != null) {
            claims.setClaim(JOB_CLAIM, jobId.toString());
        }
        claims.setIssuedAtToNow();
        claims.setNotBeforeMinutesInThePast(0);
        var expires = Instant.now().plusSeconds(ttlSeconds);
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setGeneratedJwtId();
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey);
        jws.setHeader("typ", "JWT");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return new Issued(jws.getCompactSerialization(), expires);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Grant> verify(String token) {
        if (consumer == null || token == null || token.isBlank() || token.length() > 8192) {
            return Optional.empty();
        }
        try {
            var claims = consumer.processToClaims(token);
            var session = claims.getStringClaimValue(SESSION_CLAIM);
            var job = claims.getStringClaimValue(JOB_CLAIM);
            return session == null ? Optional.empty() : Optional.of(new Grant(claims.getSubject(), UUID.fromString(session),
                    job == null ? null : UUID.fromString(job)));
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
