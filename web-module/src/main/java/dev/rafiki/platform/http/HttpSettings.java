package dev.rafiki.platform.http;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What requests may carry: JSON bodies, bearer tokens, stream tokens. */
@Dependent
public class HttpSettings {

    /** Deepest nesting of arrays and objects in a body or WebSocket frame. */
    @Inject
    @ConfigProperty(name = "rafiki.json.max-depth", defaultValue = "64")
    public int jsonMaxDepth;

    /** Longest JSON number, in characters. */
    @Inject
    @ConfigProperty(name = "rafiki.json.max-number-length", defaultValue = "100")
    public int jsonMaxNumberLength;

    /** Largest exponent of a JSON number, either sign: a double needs 324; {@code 1e1000000} as a long takes seconds of CPU. */
    @Inject
    @ConfigProperty(name = "rafiki.json.max-number-exponent", defaultValue = "400")
    public int jsonMaxNumberExponent;

    /** Most verified bearer tokens remembered per node. */
    @Inject
    @ConfigProperty(name = "rafiki.auth.token-cache-size", defaultValue = "4096")
    public int tokenCacheSize;

    /** Longest a verified token is remembered before its signature is checked again; 0: never remembered. */
    @Inject
    @ConfigProperty(name = "rafiki.auth.token-cache-seconds", defaultValue = "300")
    public int tokenCacheSeconds;

    /** Lifetime of a stream token. */
    @Inject
    @ConfigProperty(name = "rafiki.stream-token.ttl-seconds", defaultValue = "300")
    public long streamTokenTtlSeconds;

    /**
     * Rafiki's RSA key for stream tokens. Its default, {@code ${rafiki.data.dir}/stream-token/private.pem},
     * is in the web module's {@code microprofile-config.properties}: only a config source expands
     * {@code ${…}}. Without any value stream tokens are disabled ({@link StreamTokens}).
     */
    @Inject
    @ConfigProperty(name = "rafiki.stream-token.key-location")
    public Optional<String> streamTokenKeyLocation;
}
