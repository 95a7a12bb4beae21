package dev.rafiki.platform.http;

import dev.rafiki.platform.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.HeaderParameterNames;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;

/**
 * The one verifier of bearer tokens, wherever a request presents one: in the {@code Authorization}
 * header, or as the {@code access_token} query parameter, which browsers use because they cannot
 * set headers on a WebSocket or an EventSource. The tokens are MicroProfile JWT tokens, configured
 * with the MicroProfile JWT keys ({@code mp.jwt.verify.*}); Rafiki verifies them itself, at the edge
 * ({@code EdgeFilter}), rather than through the container's MP-JWT mechanism: that one rebuilt the
 * public key and looked up CDI beans through JNDI on every request, about a third of an echo
 * prompt's CPU, and could not remember a token it had already verified (docs/platform-notes.md).
 * Both places go through the same rules, so a token gets one answer wherever it is presented:
 * <ul>
 * <li>a JWS with {@code typ} {@code JWT}, RS256 or ES256, signed by the configured key
 *     ({@code mp.jwt.verify.publickey(.location)}: PEM, JWK, JWKS or a JWKS URL);</li>
 * <li>{@code iss} the configured issuer, {@code aud} one of the configured audiences when set;</li>
 * <li>{@code exp}, {@code iat} (before {@code exp}) and {@code nbf} when present are dates: numbers
 *     from 0 to the year 9999; {@code exp} and {@code nbf} hold with {@code mp.jwt.verify.clock.skew}
 *     seconds of skew;</li>
 * <li>{@code sub} a string of 1 to 255 characters without control characters (it is stored as a
 *     row's owner), {@code jti} a string, {@code upn} and {@code preferred_username} strings when
 *     present;</li>
 * <li>{@code aud} and {@code groups} when present a string (one value) or an array of strings.</li>
 * </ul>
 * Every registered claim must have its registered type: anything else refuses the token (401),
 * never reaches code that reads the claim. The {@code user} group (and any role) is the caller's
 * to check, with {@link Caller}. A parameter may also be one of Rafiki's own stream tokens, which
 * grant one session or one job.
 * <p>
 * A token that passed is remembered, by its exact text, until it expires or for
 * {@code rafiki.auth.token-cache-seconds}, whichever comes first: the same bytes always verify the
 * same way, and only the clock can change the answer, so a remembered token is checked against
 * its {@code exp} again on every use. Refused tokens are never remembered (a forger cannot fill
 * the memory); at most {@code rafiki.auth.token-cache-size} tokens are.
 */
@ApplicationScoped
public class BearerTokens {

    private static final Logger LOG = Logger.getLogger(BearerTokens.class.getName());
    public static final String ACCESS_TOKEN = "access_token";
    /** A request's credentials, worked out once and kept for the rest of the request. */
    static final String ATTRIBUTE = "rafiki.credentials";
    /** The owner columns are VARCHAR(255): a longer subject could never be stored. */
    static final int MAX_SUBJECT_LENGTH = 255;
    static final int MAX_TOKEN_LENGTH = 8192;
    /** 9999-12-31T23:59:59Z: a larger NumericDate is no date (and parsers disagree on what it means). */
    static final long LATEST_DATE = 253_402_300_799L;
    private static final List<String> DATES = List.of("exp", "iat", "nbf");

    @Inject
    StreamTokens streamTokens;

    /** The container's; the defaults serve a verifier built with {@code new} (tests). */
    @Inject
    HttpSettings settings = Settings.defaults(HttpSettings.class);

    /** Checks signatures and claims; null when the verification key could not be loaded. */
    private JwtConsumer verifying;
    private int skewSeconds;
    /** Tokens that passed, by their text; see the class comment. */
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    /** The clock of the memory of verified tokens (tests move it). */
    LongSupplier clock = System::currentTimeMillis;

    /** A token that passed, and the last instant it may be used without verifying it again. */
    private record Verified(Caller caller, long usableUntil) {
    }

    /** Where a request's token came from. */
    public enum Source { NONE, HEADER, QUERY }

    /**
     * Who a valid token speaks for. {@code onlySession} is set for a stream token, limited to that
     * session, and {@code onlyJob} for one limited further to a single job of it; a stream token
     * has no groups.
     */
    public record Caller(String subject, Set<String> groups, UUID onlySession, UUID onlyJob) implements Principal {
        @Override
        public String getName() {
            return subject;
        }

        public boolean scoped() {
            return onlySession != null;
        }

        /** May use the streams: a token with the {@code user} group, or a stream token. */
        public boolean user() {
            return scoped() || groups.contains(Roles.USER);
        }

        public boolean inRole(String role) {
            return !scoped() && groups.contains(role);
        }
    }

    /**
     * What a request's credentials amount to: none, a valid token's {@code caller}, or a token
     * that was refused ({@code refusal}, a few words for the log, never for the client).
     */
    public record Credentials(Source source, Caller caller, String refusal) {
        static final Credentials NONE = new Credentials(Source.NONE, null, null);

        public boolean valid() {
            return caller != null;
        }

        public boolean refused() {
            return source != Source.NONE && caller == null;
        }
    }

    @PostConstruct
    void init() {
        var config = ConfigProvider.getConfig();
        var issuer = config.getOptionalValue("mp.jwt.verify.issuer", String.class).orElse(null);
        var audiences = config.getOptionalValue("mp.jwt.verify.audiences", String.class)
                .map(value -> List.of(value.split("\\s*,\\s*"))).orElse(List.of());
        int skew = config.getOptionalValue("mp.jwt.verify.clock.skew", Integer.class).orElse(0);
        Consumer<JwtConsumerBuilder> key = null;
        try {
            if (issuer == null) {
                throw new IllegalStateException("mp.jwt.verify.issuer is not set");
            }
            key = key(config);
        } catch (Exception e) {
            // fails closed: every token is refused, and the log says why at start-up
            LOG.severe(() -> "every bearer token is refused: the verification key could not be loaded: " + e);
        }
        configure(issuer, audiences, skew, key);
    }

    /** @param key sets the verification key on a builder; null when there is none (then every token is refused) */
    void configure(String issuer, List<String> audiences, int skewSeconds, Consumer<JwtConsumerBuilder> key) {
        this.skewSeconds = skewSeconds;
        verifying = key == null ? null : consumer(issuer, audiences, skewSeconds, key);
        verified.clear();
    }

    /** Sets the memory of verified tokens: at most {@code size} tokens, each for at most {@code seconds}; 0 turns it off. */
    void remember(int size, int seconds) {
        settings.tokenCacheSize = size;
        settings.tokenCacheSeconds = seconds;
        verified.clear();
    }

    /** How many verified tokens are remembered now. */
    int remembered() {
        return verified.size();
    }

    private static JwtConsumer consumer(String issuer, List<String> audiences, int skewSeconds, Consumer<JwtConsumerBuilder> key) {
        var builder = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(skewSeconds)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .registerValidator(BearerTokens::registeredTypes);
        if (issuer != null) {
            builder.setExpectedIssuer(issuer);
        }
        if (audiences.isEmpty()) {
            builder.setSkipDefaultAudienceValidation();
        } else {
            builder.setExpectedAudience(audiences.toArray(String[]::new));
        }
        key.accept(builder);
        return builder.build();
    }

    /**
     * The rules jose4j does not know: every registered claim has its registered type. Payara's
     * MP-JWT accepted a string {@code nbf}, a number {@code sub} beside a string {@code upn}, a
     * token without {@code groups}; the code that read them then failed with a 500 (issue 18).
     */
    static ErrorCodeValidator.Error registeredTypes(JwtContext context) throws MalformedClaimException {
        if (!"JWT".equals(context.getJoseObjects().get(0).getHeader(HeaderParameterNames.TYPE))) {
            return new ErrorCodeValidator.Error(ErrorCodes.TYPE_INVALID, "typ must be JWT");
        }
        var claims = context.getJwtClaims();
        Map<String, Object> map = claims.getClaimsMap();
        for (var date : DATES) {
            if (map.containsKey(date) && !isDate(map.get(date))) {
                return malformed(date + " is not a date");
            }
        }
        var issuedAt = claims.getIssuedAt();
        var expires = claims.getExpirationTime();
        if (issuedAt != null && expires != null && issuedAt.getValue() >= expires.getValue()) {
            return malformed("iat is not before exp");
        }
        if (!(map.get("sub") instanceof String subject) || !acceptableSubject(subject)) {
            return new ErrorCodeValidator.Error(ErrorCodes.SUBJECT_INVALID, "sub is not a usable subject");
        }
        for (var name : List.of("upn", "preferred_username")) {
            if (map.containsKey(name) && !(map.get(name) instanceof String)) {
                return malformed(name + " is not a string");
            }
        }
        for (var name : List.of("aud", "groups")) {
            if (map.containsKey(name) && !isStrings(map.get(name))) {
                return malformed(name + " is neither a string nor an array of strings");
            }
        }
        return null;
    }

    private static ErrorCodeValidator.Error malformed(String what) {
        return new ErrorCodeValidator.Error(ErrorCodes.MALFORMED_CLAIM, what);
    }

    static boolean isDate(Object value) {
        if (!(value instanceof Number number)) {
            return false;
        }
        double seconds = number.doubleValue();
        return Double.isFinite(seconds) && seconds >= 0 && seconds <= LATEST_DATE;
    }

    static boolean acceptableSubject(String subject) {
        return !subject.isBlank() && subject.length() <= MAX_SUBJECT_LENGTH && subject.chars().noneMatch(Character::isISOControl);
    }

    static boolean isStrings(Object value) {
        return value instanceof String || value instanceof List<?> list && list.stream().allMatch(String.class::isInstance);
    }

    /** One group given as a string counts as a one-element set, as MicroProfile JWT reads it. */
    static Set<String> groups(Object value) {
        if (value instanceof String one) {
            return Set.of(one);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet());
        }
        return Set.of();
    }

    /**
     * A request's credentials, worked out once per request: the {@code Authorization} header's
     * bearer token (the scheme's name in any case, RFC 7235) or else the {@code access_token}
     * parameter. Another scheme in the header counts as no token.
     */
    public Credentials of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof Credentials known) {
            return known;
        }
        var header = request.getHeader("Authorization");
        Credentials credentials;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            var outcome = verify(header.substring(7).strip());
            credentials = new Credentials(Source.HEADER, outcome.caller(), outcome.refusal());
        } else {
            credentials = of(null, accessToken(request.getQueryString()));
        }
        request.setAttribute(ATTRIBUTE, credentials);
        return credentials;
    }

    /** The caller the edge verified for a request, or null when its Authorization header held no valid token. */
    public static Caller headerCaller(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Credentials known && known.source() == Source.HEADER
                ? known.caller() : null;
    }

    /**
     * @param principal   the request's caller: a {@link Caller} when the edge accepted its Authorization header
     * @param accessToken the {@code access_token} parameter, or null; used only without a bearer header
     */
    public Credentials of(Principal principal, String accessToken) {
        if (principal instanceof Caller caller) {
            return new Credentials(Source.HEADER, caller, null);
        }
        if (accessToken == null || accessToken.isEmpty()) {
            return Credentials.NONE;
        }
        var outcome = verify(accessToken);
        if (outcome.caller() == null) {
            var grant = stream(accessToken);
            if (grant != null) {
                return new Credentials(Source.QUERY, grant, null);
            }
        }
        return new Credentials(Source.QUERY, outcome.caller(), outcome.refusal());
    }

    /** Why a token is refused, for the log; null when it is valid. Verifies the signature too. */
    String refusal(String token) {
        return verify(token).refusal();
    }

    /** Verifies a token, or recalls that it passed and has not expired since. */
    private Outcome verify(String token) {
        if (settings.tokenCacheSeconds <= 0 || token == null) {
            return check(token, verifying);
        }
        long now = clock.getAsLong();
        var known = verified.get(token);
        if (known != null) {
            if (now < known.usableUntil()) {
                return new Outcome(known.caller(), null, null);
            }
            verified.remove(token, known);
        }
        var outcome = check(token, verifying);
        if (outcome.caller() != null) {
            if (verified.size() >= settings.tokenCacheSize) {
                verified.values().removeIf(entry -> entry.usableUntil() <= now);
                if (verified.size() >= settings.tokenCacheSize) {
                    // a burst of distinct valid tokens: start afresh rather than keep an order of use
                    verified.clear();
                }
            }
            // jose4j refuses a token once now >= exp + skew; the memory stops one second earlier
            long expires = (outcome.expires() + skewSeconds - 1) * 1000;
            verified.put(token, new Verified(outcome.caller(), Math.min(expires, now + 1000L * settings.tokenCacheSeconds)));
        }
        return outcome;
    }

    private Caller stream(String token) {
        try {
            return streamTokens.verify(token).map(grant -> new Caller(grant.subject(), Set.of(), grant.sessionId(), grant.jobId()))
                    .orElse(null);
        } catch (RuntimeException hostile) {
            return null;
        }
    }

    /** @param expires the token's {@code exp} (seconds) when it passed */
    private record Outcome(Caller caller, String refusal, Long expires) {
    }

    private static Outcome check(String token, JwtConsumer consumer) {
        if (consumer == null || token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return new Outcome(null, consumer == null ? "no verification key" : "malformed", null);
        }
        try {
            var claims = consumer.processToClaims(token);
            return new Outcome(new Caller(claims.getSubject(), groups(claims.getClaimValue("groups")), null, null), null,
                    claims.getExpirationTime().getValue());
        } catch (InvalidJwtException e) {
            return new Outcome(null, reason(e), null);
        } catch (MalformedClaimException | RuntimeException hostile) {
            // whatever a token's content makes a parser do, it is a refusal, never a server fault
            return new Outcome(null, "malformed", null);
        }
    }

    static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "expired";
        } else if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "not yet valid";
        } else if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "bad signature";
        } else if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "wrong issuer";
        } else if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "wrong audience";
        }
        return "malformed";
    }

    /**
     * The {@code access_token} parameter, read from the raw query string, not with getParameter:
     * that would consume a form POST's body, and it throws (a 500, found by FuzzIT) when the
     * request declares a charset such as UTF-16 that the query string is not in.
     */
    public static String accessToken(String query) {
        if (query == null) {
            return null;
        }
        for (var pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if ((equals < 0 ? pair : pair.substring(0, equals)).equals(ACCESS_TOKEN)) {
                try {
                    return URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Consumer<JwtConsumerBuilder> key(Config config) throws Exception {
        var inline = config.getOptionalValue("mp.jwt.verify.publickey", String.class);
        var location = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
        if (inline.isPresent()) {
            return key(inline.get());
        } else if (location.isPresent() && location.get().startsWith("http")) {
            var resolver = new HttpsJwksVerificationKeyResolver(new HttpsJwks(location.get()));
            return builder -> builder.setVerificationKeyResolver(resolver);
        } else if (location.isPresent()) {
            var path = location.get().startsWith("file:") ? Path.of(URI.create(location.get())) : Path.of(location.get());
            return key(Files.readString(path));
        }
        throw new IllegalStateException("no mp.jwt.verify.publickey(.location) configured");
    }

    private static Consumer<JwtConsumerBuilder> key(String text) throws Exception {
        var trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            var jwks = trimmed.contains("\"keys\"") ? new JsonWebKeySet(trimmed) : new JsonWebKeySet("{\"keys\":[" + trimmed + "]}");
            var resolver = new JwksVerificationKeyResolver(jwks.getJsonWebKeys());
            return builder -> builder.setVerificationKeyResolver(resolver);
        }
        var key = pem(trimmed);
        return builder -> builder.setVerificationKey(key);
    }

    private static PublicKey pem(String text) throws Exception {
        var der = Base64.getDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
    }
}
