package dev.rafiki.platform.http;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;

/**
 * Verifies a bearer token passed as the {@code access_token} query parameter, for browsers, which
 * cannot set headers on a WebSocket or EventSource request. Same rules as MicroProfile JWT, from
 * the same settings ({@code mp.jwt.verify.*}): RS256/ES256 signature by the configured key,
 * issuer, audience when configured, expiry and not-before; and the {@code user} group. Also
 * accepts Rafiki's own stream tokens, which grant the subscription to one session only.
 */
@ApplicationScoped
public class QueryTokens {

    private static final Logger LOG = Logger.getLogger(QueryTokens.class.getName());

    private JwtConsumer consumer;

    @jakarta.inject.Inject
    dev.rafiki.auth.control.StreamTokens streamTokens;

    /**
     * Who a query token speaks for; {@code onlySession} is set for a stream token, limited to that
     * session, and {@code onlyJob} for one limited further to a single job of it.
     */
    public record Caller(String subject, java.util.UUID onlySession, java.util.UUID onlyJob) {
        public Caller(String subject, java.util.UUID onlySession) {
            this(subject, onlySession, null);
        }

        public boolean scoped() {
            return onlySession != null;
        }
    }

    @PostConstruct
    void init() {
        try {
            consumer = consumer(ConfigProvider.getConfig());
        } catch (Exception e) {
            LOG.warning(() -> "access_token parameters are refused: the verification key could not be loaded: " + e);
        }
    }

    static JwtConsumer consumer(Config config) throws Exception {
        var builder = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setRequireSubject()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        config.getOptionalValue("mp.jwt.verify.issuer", String.class).ifPresent(builder::setExpectedIssuer);
        var audiences = config.getOptionalValue("mp.jwt.verify.audiences", String.class);
        if (audiences.isPresent()) {
            builder.setExpectedAudience(audiences.get().split("\\s*,\\s*"));
        } else {
            builder.setSkipDefaultAudienceValidation();
        }
        var inline = config.getOptionalValue("mp.jwt.verify.publickey", String.class);
        var location = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
        if (inline.isPresent()) {
            key(builder, inline.get());
        } else if (location.isPresent() && location.get().startsWith("http")) {
            builder.setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(location.get())));
        } else if (location.isPresent()) {
            var path = location.get().startsWith("file:") ? Path.of(URI.create(location.get())) : Path.of(location.get());
            key(builder, Files.readString(path));
        } else {
            throw new IllegalStateException("no mp.jwt.verify.publickey(.location) configured");
        }
        return builder.build();
    }

    private static void key(JwtConsumerBuilder builder, String text) throws Exception {
        var trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            var jwks = trimmed.contains("\"keys\"") ? new JsonWebKeySet(trimmed) : new JsonWebKeySet("{\"keys\":[" + trimmed + "]}");
            builder.setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()));
        } else {
            builder.setVerificationKey(pem(trimmed));
        }
    }

    private static PublicKey pem(String text) throws Exception {
        var der = Base64.getDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
    }

    /** @return the caller a user token or a stream token speaks for, when valid */
    public Optional<Caller> caller(String token) {
        var user = subject(token);
        if (user.isPresent()) {
            return user.map(subject -> new Caller(subject, null));
        }
        return streamTokens.verify(token).map(grant -> new Caller(grant.subject(), grant.sessionId(), grant.jobId()));
    }

    /** @return the token's subject when it is valid and grants the {@code user} role */
    public Optional<String> subject(String token) {
        return verified(token).filter(claims -> groups(claims).contains(Roles.USER)).map(claims -> {
            try {
                return claims.getSubject();
            } catch (org.jose4j.jwt.MalformedClaimException e) {
                return null;
            }
        });
    }

    /** @return the groups of a valid token (maybe none); empty when the token is not valid */
    public Optional<java.util.List<String>> groups(String token) {
        return verified(token).map(QueryTokens::groups);
    }

    private Optional<org.jose4j.jwt.JwtClaims> verified(String token) {
        if (consumer == null || token == null || token.isBlank() || token.length() > 8192) {
            return Optional.empty();
        }
        try {
            return Optional.of(consumer.processToClaims(token));
        } catch (InvalidJwtException e) {
            return Optional.empty();
        }
    }

    private static java.util.List<String> groups(org.jose4j.jwt.JwtClaims claims) {
        try {
            var groups = claims.getStringListClaimValue("groups");
            return groups == null ? java.util.List.of() : groups;
        } catch (org.jose4j.jwt.MalformedClaimException e) {
            return java.util.List.of();
        }
    }
}
