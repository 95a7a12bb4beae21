package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.auth.control.StreamTokens;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
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
    void oneGroupAsAStringIsAOneElementSetAsTheContainerReadsIt() {
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

    /** The container verified the header's signature; the claims go through the same rules. */
    @Test
    void aHeaderTokenTheContainerAcceptedMeetsTheSameRules() {
        assertEquals("alice", tokens.of(principal(sign(with())), null).caller().subject());
        var odd = tokens.of(principal(sign(with("\"nbf\":\"x\""))), sign(with()));
        assertEquals(BearerTokens.Source.HEADER, odd.source());
        assertTrue(odd.refused(), "the header wins over a parameter, and its claims are checked");
        assertTrue(tokens.of(principal(sign(with("\"sub\":5", "\"upn\":\"alice\""))), null).refused());
        // no signature check here: the container made it (and refuses what fails it before any of this)
        assertTrue(tokens.of(principal(sign(with(), OTHER_KEYS.getPrivate(), "JWT")), null).valid());
        assertTrue(tokens.of(principal(null), null).refused());
    }

    @Test
    void theAccessTokenIsReadFromTheRawQueryString() {
        assertEquals("a.b.c", BearerTokens.accessToken("x=1&access_token=a.b.c"));
        assertEquals("a b", BearerTokens.accessToken("access_token=a%20b"));
        assertNull(BearerTokens.accessToken("access_token=%ZZ"));
        assertNull(BearerTokens.accessToken("x_access_token=1"));
        assertNull(BearerTokens.accessToken(null));
    }

    static JsonWebToken principal(String rawToken) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "alice";
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("raw_token");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return "raw_token".equals(name) ? (T) rawToken : null;
            }
        };
    }
}
