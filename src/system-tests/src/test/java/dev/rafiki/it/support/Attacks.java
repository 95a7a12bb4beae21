package dev.rafiki.it.support;

import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;

/** Forged and invalid bearer tokens, as an attacker would try them against a server's dev key. */
public final class Attacks {

    private Attacks() {
    }

    /** A token that would be valid: the starting point of every forgery. */
    public static JwtClaims validClaims(String subject) {
        var claims = new JwtClaims();
        claims.setIssuer("rafiki-dev");
        claims.setSubject(subject);
        claims.setStringListClaim("groups", List.of("user", "admin"));
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(30);
        claims.setGeneratedJwtId();
        return claims;
    }

    /** Every token here must be refused with 401 by every route. */
    public static Map<String, String> forged(RafikiServer server, String subject) {
        try {
            var privateKey = Tokens.privateKey(server.dataDir().resolve("dev-jwt/private.pem"));
            var publicPem = Files.readString(server.dataDir().resolve("dev-jwt/public.pem"));
            var tokens = new LinkedHashMap<String, String>();

            tokens.put("garbage", "not-a-jwt");
            tokens.put("empty segments", "..");

            var none = new JsonWebSignature();
            none.setPayload(validClaims(subject).toJson());
            none.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
            none.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            tokens.put("alg none", none.getCompactSerialization());

            // the classic confusion: HMAC keyed with the RSA public key the server trusts
            tokens.put("HS256 keyed with the public key PEM",
                    Tokens.sign(validClaims(subject), new HmacKey(publicPem.getBytes()), AlgorithmIdentifiers.HMAC_SHA256));
            var der = java.util.Base64.getDecoder().decode(publicPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            tokens.put("HS256 keyed with the public key DER",
                    Tokens.sign(validClaims(subject), new HmacKey(der), AlgorithmIdentifiers.HMAC_SHA256));

            var otherRsa = KeyPairGenerator.getInstance("RSA");
            otherRsa.initialize(2048);
            tokens.put("RS256 signed by another key",
                    Tokens.sign(validClaims(subject), otherRsa.generateKeyPair().getPrivate(), AlgorithmIdentifiers.RSA_USING_SHA256));
            var ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            tokens.put("ES256 signed by an unknown key",
                    Tokens.sign(validClaims(subject), ec.generateKeyPair().getPrivate(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));

            var wrongIssuer = validClaims(subject);
            wrongIssuer.setIssuer("https://evil.example");
            tokens.put("wrong issuer", Tokens.sign(wrongIssuer, privateKey, AlgorithmIdentifiers.RSA_USING_SHA256));

            var expired = validClaims(subject);
            expired.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 600));
            tokens.put("expired 10 minutes ago", Tokens.sign(expired, privateKey, AlgorithmIdentifiers.RSA_USING_SHA256));

            var early = validClaims(subject);
            early.setNotBefore(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + 600));
            tokens.put("not valid for 10 more minutes", Tokens.sign(early, privateKey, AlgorithmIdentifiers.RSA_USING_SHA256));

            // a genuine token whose payload was edited to another subject, signature kept
            var genuine = Tokens.sign(validClaims("someone-else"), privateKey, AlgorithmIdentifiers.RSA_USING_SHA256).split("\\.");
            var payload = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(validClaims(subject).toJson().getBytes());
            tokens.put("payload swapped under a genuine signature", genuine[0] + "." + payload + "." + genuine[2]);

            var stripped = Tokens.sign(validClaims(subject), privateKey, AlgorithmIdentifiers.RSA_USING_SHA256);
            tokens.put("signature stripped", stripped.substring(0, stripped.lastIndexOf('.') + 1));
            return tokens;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
