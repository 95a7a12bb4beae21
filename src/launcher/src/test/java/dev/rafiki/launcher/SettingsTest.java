package dev.rafiki.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

    static Settings settings(Map<String, String> env, Map<String, String> systemProperties) {
        var system = new Properties();
        system.putAll(systemProperties);
        return new Settings(env, system);
    }

    static Settings env(Map<String, String> env) {
        return settings(env, Map.of());
    }

    @Test
    void envNameIsTheKeyInUpperCaseWithUnderscores() {
        assertEquals("RAFIKI_HTTP_PORT", Settings.envName("rafiki.http.port"));
        assertEquals("RAFIKI_JWT_PUBLIC_KEY_LOCATION", Settings.envName("rafiki.jwt.public-key-location"));
        assertEquals("MP_JWT_VERIFY_PUBLICKEY", Settings.envName("mp.jwt.verify.publickey"));
    }

    @Test
    void environmentVariableIsReadUnderItsEnvName() {
        var settings = env(Map.of("RAFIKI_HTTP_PORT", "9000"));

        assertEquals(Optional.of("9000"), settings.get("rafiki.http.port"));
        assertEquals(9000, settings.getInt("rafiki.http.port", 8080));
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() {
        var settings = settings(Map.of("RAFIKI_HTTP_PORT", "9000"), Map.of("rafiki.http.port", "9100"));

        assertEquals("9100", settings.get("rafiki.http.port", "8080"));
        assertEquals(9100, settings.getInt("rafiki.http.port", 8080));
    }

    @Test
    void absentUsesTheFallback() {
        var settings = env(Map.of());

        assertEquals(Optional.empty(), settings.get("rafiki.http.port"));
        assertEquals("127.0.0.1", settings.get("rafiki.http.host", "127.0.0.1"));
        assertEquals(8080, settings.getInt("rafiki.http.port", 8080));
    }

    @Test
    void blankIsTreatedAsAbsent() {
        var fromEnv = env(Map.of("RAFIKI_HTTP_HOST", "  ", "RAFIKI_HTTP_PORT", ""));
        var fromSystem = settings(Map.of(), Map.of("rafiki.http.host", "\t"));

        assertEquals(Optional.empty(), fromEnv.get("rafiki.http.host"));
        assertEquals("127.0.0.1", fromEnv.get("rafiki.http.host", "127.0.0.1"));
        assertEquals(8080, fromEnv.getInt("rafiki.http.port", 8080));
        assertEquals(Optional.empty(), fromSystem.get("rafiki.http.host"));
    }

    @Test
    void valuesAreStripped() {
        var settings = env(Map.of("RAFIKI_HTTP_HOST", " 0.0.0.0 ", "RAFIKI_HTTP_PORT", " 8081\n"));

        assertEquals("0.0.0.0", settings.get("rafiki.http.host", "x"));
        assertEquals(8081, settings.getInt("rafiki.http.port", 8080));
    }

    @Test
    void nonNumberNamesTheKeyTheVariableAndTheValue() {
        var settings = env(Map.of("RAFIKI_HTTP_PORT", "eighty"));

        var e = assertThrows(IllegalArgumentException.class, () -> settings.getInt("rafiki.http.port", 8080));
        assertEquals("rafiki.http.port (RAFIKI_HTTP_PORT) must be a number, got 'eighty'", e.getMessage());
    }

    @Test
    void dataDirIsAbsoluteAndNormalised() {
        var settings = env(Map.of("RAFIKI_DATA_DIR", "some/../rafiki-data"));

        assertEquals(Path.of("rafiki-data").toAbsolutePath(), settings.dataDir());
        assertTrue(env(Map.of()).dataDir().isAbsolute());
        assertEquals("data", env(Map.of()).dataDir().getFileName().toString());
    }

    @Test
    void productionJwtWhenAVerificationKeyIsConfigured() {
        assertFalse(env(Map.of()).productionJwt());
        assertFalse(env(Map.of("RAFIKI_JWT_PUBLIC_KEY_LOCATION", " ")).productionJwt());
        assertFalse(env(Map.of("RAFIKI_JWT_ISSUER", "https://idp")).productionJwt(), "an issuer alone is no key");

        assertTrue(env(Map.of("RAFIKI_JWT_PUBLIC_KEY_LOCATION", "file:/keys/pub.pem")).productionJwt());
        assertTrue(env(Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "https://idp/jwks")).productionJwt());
        assertTrue(settings(Map.of(), Map.of("mp.jwt.verify.publickey", "MIIB...")).productionJwt());
    }
}
