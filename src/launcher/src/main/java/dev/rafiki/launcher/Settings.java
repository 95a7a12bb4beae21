package dev.rafiki.launcher;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The launcher's knobs, read like MicroProfile Config reads them: a system property
 * ({@code rafiki.http.port}) wins over its environment variable ({@code RAFIKI_HTTP_PORT}).
 */
final class Settings {

    private final Map<String, String> env;
    private final java.util.Properties system;

    Settings(Map<String, String> env, java.util.Properties system) {
        this.env = env;
        this.system = system;
    }

    static Settings fromProcess() {
        return new Settings(System.getenv(), System.getProperties());
    }

    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    Optional<String> get(String key) {
        var value = system.getProperty(key);
        if (value == null) {
            value = env.get(envName(key));
        }
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    int getInt(String key, int fallback) {
        var value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " (" + envName(key) + ") must be a number, got '" + value.get() + "'");
        }
    }

    Path dataDir() {
        return Path.of(get("rafiki.data.dir", "data")).toAbsolutePath().normalize();
    }

    /** True when the operator configured how tokens are verified; the development key is then off. */
    boolean productionJwt() {
        return get("rafiki.jwt.public-key-location").isPresent()
                || get("mp.jwt.verify.publickey.location").isPresent()
                || get("mp.jwt.verify.publickey").isPresent();
    }
}
