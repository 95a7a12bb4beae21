package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.http.StreamTokens;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import java.util.Set;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    static final KeyPair KEYS = keys();
    static final KeyPair OTHER_KEYS = keys();
    static final long NOW = System.currentTimeMillis() / 1000;
    /** A valid payload but for the claims a test puts after it (the last of a duplicate name would win, so tests replace). */
    static final String VALID = "\"iss\":\"rafiki-dev\",\"sub\":\"alice\",\"iat\":" + NOW + ",\"exp\":" + (NOW + 600)
            + ",\"jti\":\"j-1\",\"groups\":[\"user\"]";

    BearerTokens tokens = tokens(30);

    static BearerTokens tokens(int skew) {
        var tokens = new BearerTokens();
        tokens.streamTokens = new StreamTokens(); // never loaded: verifies no stream token
        tokens.configure("rafiki-dev", List.of(), skew, builder -> builder.setVerificationKey(KEYS.getPublic()));
        return tokens;
    }

    static KeyPair keys() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(String payload) {
        return sign(payload, KEYS.getPrivate(), "JWT");
    }

    static String sign(String payload, PrivateKey key, String type) {
        try {
            var jws = new JsonWebSignature();
            jws.setPayload(payload);
            jws.setKey(key);
            if (type != null) {
                jws.setHeader("typ", type);
            }
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The valid claims with some replaced or added: {@code "nbf":"x"}. */
    static String with(String... claims) {
        var payload = new StringBuilder("{").append(VALID);
        for (var claim : claims) {
            var name = claim.substring(0, claim.indexOf(':'));
            int at = payload.indexOf(name + ":");
            if (at > 0) {
                int end = payload.indexOf(",\"", at + 1);
                payload.replace(at, end < 0 ? payload.length() : end, claim);
            } else {
                payload.append(',').append(claim);
            }
        }
        return payload.append('}').toString();
    }

    static String without(String name) {
        return with().replaceAll(",?\"" + name + "\":(\"[^\"]*\"|\\d+|\\[[^]]*])", "").replace("{,", "{");
    }

    BearerTokens.Credentials asParameter(String payload) {
        return tokens.of(null, sign(payload));
    }

    @Test
    void aValidTokenSpeaksForItsSubjectWithItsGroups() {
        var credentials = asParameter(with("\"groups\":[\"user\",\"admin\"]"));
        assertEquals(BearerTokens.Source.QUERY, credentials.source());
        assertEquals("alice", credentials.caller().subject());
        assertEquals(Set.of("user", "admin"), credentials.caller().groups());
        assertTrue(credentials.caller().user());
        assertTrue(credentials.caller().inRole("admin"));
        assertFalse(credentials.refused());
    }

    @Test
    void oneGroupAsAStringIsAOneElementSetAsMicroProfileJwtReadsIt() {
        assertEquals(Set.of("user"), asParameter(with("\"groups\":\"user\"")).caller().groups());
    }

    @Test
    void withoutGroupsATokenIsValidButNoUser() {
        var credentials = asParameter(without("groups"));
        assertTrue(credentials.valid(), credentials.toString());
        assertEquals(Set.of(), credentials.caller().groups());
        assertFalse(credentials.caller().user());
    }

    @Test
    void everyRegisteredClaimOfAnotherTypeRefusesTheToken() {
        var refused = List.of(
                with("\"nbf\":\"x\""), with("\"nbf\":null"), with("\"nbf\":{}"), with("\"exp\":\"x\""), with("\"exp\":true"),
                with("\"exp\":1e30"), with("\"exp\":99999999999999999999"), with("\"exp\":1e400"), with("\"iat\":-1"),
                with("\"iat\":null"), with("\"iat\":[1]"), with("\"sub\":5", "\"upn\":\"alice\""), with("\"sub\":null"),
                with("\"sub\":\"\""), with("\"sub\":\" \""), with("\"sub\":\"" + "s".repeat(256) + "\""), with("\"sub\":\"a\\u0000b\""),
                with("\"upn\":5"), with("\"upn\":null"), with("\"preferred_username\":[\"a\"]"), with("\"groups\":[1]"),
                with("\"groups\":[\"user\",null]"), with("\"groups\":null"), with("\"groups\":{\"user\":true}"), with("\"groups\":7"),
                with("\"aud\":5"), with("\"aud\":[\"a\",{}]"), with("\"jti\":5"), with("\"iss\":[\"rafiki-dev\"]"),
                without("jti"), without("iat"), without("exp"), without("sub"), without("iss"),
                with("\"iat\":" + (NOW + 600)), "[]", "{", "\"text\"");
        for (var payload : refused) {
            var credentials = asParameter(payload);
            assertTrue(credentials.refused(), payload);
            assertNull(credentials.caller(), payload);
        }
        // the edges of what is accepted
        for (var payload : List.of(with("\"sub\":\"" + "s".repeat(255) + "\""), with("\"exp\":" + (NOW + 600) + ".9"),
                with("\"aud\":\"anyone\""), with("\"aud\":[]"), with("\"groups\":[]"), with("\"nbf\":" + (NOW - 5)),
                with("\"upn\":\"alice@example\""), with("\"custom\":{\"any\":[null,1]}"))) {
            assertTrue(asParameter(payload).valid(), payload);
        }
    }

    @Test
    void theHeaderAndTheTokenAndTheSignatureRulesHold() {
        assertTrue(tokens.of(null, sign(with(), KEYS.getPrivate(), null)).refused(), "typ missing");
        assertTrue(tokens.of(null, sign(with(), KEYS.getPrivate(), "at+jwt")).refused(), "another typ");
        assertTrue(tokens.of(null, sign(with(), OTHER_KEYS.getPrivate(), "JWT")).refused(), "another key");
        assertEquals("bad signature", tokens.refusal(sign(with(), OTHER_KEYS.getPrivate(), "JWT")));
        assertEquals("expired", tokens.refusal(sign(with("\"exp\":" + (NOW - 120)))));
        assertEquals("not yet valid", tokens.refusal(sign(with("\"nbf\":" + (NOW + 120)))));
        assertEquals("wrong issuer", tokens.refusal(sign(with("\"iss\":\"evil\""))));
        assertEquals("malformed", tokens.refusal("not-a-jwt"));
        assertEquals("malformed", tokens.refusal("x".repeat(BearerTokens.MAX_TOKEN_LENGTH + 1)));
        assertNull(tokens.refusal(sign(with())));
        assertEquals(BearerTokens.Credentials.NONE, tokens.of(null, null));
        assertEquals(BearerTokens.Credentials.NONE, tokens.of(null, ""));
    }

    @Test
    void expiryAndNotBeforeAllowTheConfiguredSkew() {
        var lately = sign(with("\"iat\":" + (NOW - 100), "\"exp\":" + (NOW - 10)));
        var soon = sign(with("\"nbf\":" + (NOW + 10)));
        assertTrue(tokens(30).of(null, lately).valid());
        assertTrue(tokens(30).of(null, soon).valid());
        assertTrue(tokens(0).of(null, lately).refused());
        assertTrue(tokens(0).of(null, soon).refused());
    }

    @Test
    void theHeaderTokenIsVerifiedWholeAndWinsOverAParameter() {
        var valid = tokens.of(request("Bearer " + sign(with()), null));
        assertEquals(BearerTokens.Source.HEADER, valid.source());
        assertEquals("alice", valid.caller().subject());
        assertTrue(tokens.of(request("bearer " + sign(with()), null)).valid(), "the scheme's name is case-insensitive");
        var forged = tokens.of(request("Bearer " + sign(with(), OTHER_KEYS.getPrivate(), "JWT"), "access_token=" + sign(with())));
        assertEquals(BearerTokens.Source.HEADER, forged.source());
        assertTrue(forged.refused(), "the header's signature is checked, and the header wins over a parameter");
        assertTrue(tokens.of(request("Bearer " + sign(with("\"nbf\":\"x\"")), null)).refused());
        assertTrue(tokens.of(request("Bearer ", null)).refused());
        var basic = tokens.of(request("Basic YWxpY2U6c2VjcmV0", "access_token=" + sign(with())));
        assertEquals(BearerTokens.Source.QUERY, basic.source(), "another scheme is no bearer token");
        assertEquals(BearerTokens.Credentials.NONE, tokens.of(request(null, null)));
        // what the edge made the request's principal speaks for itself
        assertSame(valid.caller(), tokens.of(valid.caller(), null).caller());
    }

    @Test
    void aVerifiedTokenIsRememberedUntilItExpiresAndARefusedOneNever() {
        var token = sign(with());
        var first = tokens.of(null, token).caller();
        assertSame(first, tokens.of(null, token).caller(), "remembered, not verified again");
        assertEquals(1, tokens.remembered());
        tokens.of(null, sign(with(), OTHER_KEYS.getPrivate(), "JWT"));
        tokens.of(null, "not-a-jwt");
        assertEquals(1, tokens.remembered(), "refusals are not remembered");
        // exp + skew (30 s) is reached: the memory no longer answers, the token is verified again
        tokens.clock = () -> (NOW + 600 + 30) * 1000;
        assertNotSame(first, tokens.of(null, token).caller());
    }

    @Test
    void theMemoryIsBoundedAndCanBeTurnedOff() {
        tokens.remember(2, 300);
        for (int i = 0; i < 5; i++) {
            assertTrue(tokens.of(null, sign(with("\"jti\":\"j-" + i + "\""))).valid());
            assertTrue(tokens.remembered() <= 2, "at most 2 remembered");
        }
        tokens.remember(10, 0);
        var token = sign(with());
        assertNotSame(tokens.of(null, token).caller(), tokens.of(null, token).caller());
        assertEquals(0, tokens.remembered());
    }

    @Test
    void theAccessTokenIsReadFromTheRawQueryString() {
        assertEquals("a.b.c", BearerTokens.accessToken("x=1&access_token=a.b.c"));
        assertEquals("a b", BearerTokens.accessToken("access_token=a%20b"));
        assertNull(BearerTokens.accessToken("access_token=%ZZ"));
        assertNull(BearerTokens.accessToken("x_access_token=1"));
        assertNull(BearerTokens.accessToken(null));
    }

    /** A request with only an Authorization header, a query string and attributes. */
    static HttpServletRequest request(String authorization, String query) {
        var attributes = new HashMap<String, Object>();
        return (HttpServletRequest) Proxy.newProxyInstance(BearerTokensTest.class.getClassLoader(),
                new Class<?>[]{HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    case "getQueryString" -> query;
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
