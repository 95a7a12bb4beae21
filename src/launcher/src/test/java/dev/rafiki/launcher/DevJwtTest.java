package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevJwtTest {

    @TempDir
    Path temp;

    static JwtClaims verify(String token, java.security.Key key) throws InvalidJwtException {
        return new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setExpectedIssuer("rafiki-dev")
                .setRequireSubject()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .build()
                .processToClaims(token);
    }

    @Test
    void createsTheKeyFilesWithAPrivateKeyOnlyTheOwnerCanRead() throws Exception {
        var directory = temp.resolve("dev-jwt");

        var jwt = DevJwt.loadOrCreate(directory);

        assertTrue(Files.isRegularFile(directory.resolve("public.pem")));
        assertEquals(directory.resolve("public.pem"), jwt.publicKeyFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("private.pem"))));
        assertTrue(Files.readString(directory.resolve("public.pem")).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertTrue(Files.readString(directory.resolve("private.pem")).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals(2048, jwt.publicKey().getModulus().bitLength());
    }

    @Test
    void aSecondLoadReusesTheKey() throws Exception {
        var first = DevJwt.loadOrCreate(temp);
        var token = first.token("dev", List.of("user"), 3600);
        var publicPem = Files.readString(temp.resolve("public.pem"));

        var second = DevJwt.loadOrCreate(temp);

        assertEquals(first.publicKey(), second.publicKey());
        assertEquals(publicPem, Files.readString(temp.resolve("public.pem")));
        assertEquals("dev", verify(second.token("dev", List.of("user"), 3600), first.publicKey()).getSubject());
        assertEquals("dev", verify(token, second.publicKey()).getSubject());
    }

    @Test
    void tokenVerifiesWithThePublicKeyAndCarriesTheClaims() throws Exception {
        var jwt = DevJwt.loadOrCreate(temp);
        long before = System.currentTimeMillis() / 1000;

        var claims = verify(jwt.token("alice", List.of("user", "admin"), 3600), jwt.publicKey());

        assertEquals("rafiki-dev", claims.getIssuer());
        assertEquals("alice", claims.getSubject());
        assertEquals("alice", claims.getClaimValueAsString("upn"));
        assertEquals(List.of("user", "admin"), claims.getStringListClaimValue("groups"));
        long exp = claims.getExpirationTime().getValue();
        assertTrue(exp >= before + 3600 - 1 && exp <= before + 3600 + 60, "exp " + exp + " vs now " + before);
        assertTrue(claims.getJwtId() != null && !claims.getJwtId().isBlank());
    }

    @Test
    void tokenDoesNotVerifyWithAnotherKey() throws Exception {
        var jwt = DevJwt.loadOrCreate(temp.resolve("one"));
        var other = DevJwt.loadOrCreate(temp.resolve("two"));
        assertNotEquals(jwt.publicKey(), other.publicKey());

        var token = jwt.token("alice", List.of("user"), 3600);

        assertThrows(InvalidJwtException.class, () -> verify(token, other.publicKey()));
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        var jwt = DevJwt.loadOrCreate(temp);

        var token = jwt.token("alice", List.of("user"), -600);

        assertThrows(InvalidJwtException.class, () -> verify(token, jwt.publicKey()));
    }
}
