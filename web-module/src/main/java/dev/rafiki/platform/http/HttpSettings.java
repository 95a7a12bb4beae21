package dev.rafiki.platform.http;

import jakarta.enterprise.context.Dependent;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What requests may carry: JSON bodies, bearer tokens, stream tokens. */
@ConfigProperties(prefix = "rafiki")
@Dependent
public class HttpSettings {

    /** Deepest nesting of arrays and objects in a body or WebSocket frame. */
    @ConfigProperty(name = "json.max-depth", defaultValue = "64")
    public int jsonMaxDepth;

    /** Longest JSON number, in characters. */
    @ConfigProperty(name = "json.max-number-length", defaultValue = "100")
    public int jsonMaxNumberLength;

    /** Largest exponent of a JSON number, either sign: a double needs 324; {@code 1e1000000} as a long takes seconds of CPU. */
    @ConfigProperty(name = "json.max-number-exponent", defaultValue = "400")
    public int jsonMaxNumberExponent;

    /** Most verified bearer tokens remembered per node. */
    @ConfigProperty(name = "auth.token-cache-size", defaultValue = "4096")
    public int tokenCacheSize;

    /** Longest a verified token is remembered before its signature is checked again; 0: never remembered. */
    @ConfigProperty(name = "auth.token-cache-seconds", defaultValue = "300")
    public int tokenCacheSeconds;

    /** Lifetime of a stream token. */
    @ConfigProperty(name = "stream-token.ttl-seconds", defaultValue = "300")
    public long streamTokenTtlSeconds;

    /**
     * Rafiki's RSA key for stream tokens. Its default, {@code ${rafiki.data.dir}/stream-token/private.pem},
     * is in the web module's {@code microprofile-config.properties}: only a config source expands
     * {@code ${…}}. Without any value stream tokens are disabled ({@link StreamTokens}).
     */
    @ConfigProperty(name = "stream-token.key-location")
    public Optional<String> streamTokenKeyLocation;
}
