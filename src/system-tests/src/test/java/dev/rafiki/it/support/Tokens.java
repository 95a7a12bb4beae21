package dev.rafiki.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/** Mints tokens for test users with a server's development key, as an identity provider would. */
public final class Tokens {

    private Tokens() {
    }

    public static String sign(Path privateKeyPem, String subject, List<String> groups, long validSeconds) {
        try {
            var claims = new JwtClaims();
            claims.setIssuer("rafiki-dev");
            claims.setSubject(subject);
            claims.setClaim("upn", subject);
            claims.setStringListClaim("groups", groups);
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(validSeconds / 60f);
            claims.setGeneratedJwtId();
            return sign(claims, privateKey(privateKeyPem), AlgorithmIdentifiers.RSA_USING_SHA256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JwtClaims claims, java.security.Key key, String algorithm) throws Exception {
        return sign(claims.toJson(), key, algorithm);
    }

    /** Signs any payload as given, for claims of every JSON type and shape (RS256, typ JWT). */
    public static String sign(String payload, Path privateKeyPem) {
        try {
            return sign(payload, privateKey(privateKeyPem), AlgorithmIdentifiers.RSA_USING_SHA256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(String payload, java.security.Key key, String algorithm) throws Exception {
        var jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(key);
        jws.setHeader("typ", "JWT");
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    public static PrivateKey privateKey(Path pem) throws Exception {
        var body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}
