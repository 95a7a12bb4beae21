package dev.rafiki.link.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Signed links: their key and their lifetime. */
@Dependent
public class LinkSettings {

    /** Base64 of at least 32 bytes; a malformed or short one disables signed links (fail closed). Unset: the key file. */
    @Inject
    @ConfigProperty(name = "rafiki.links.key")
    public Optional<String> key;

    /**
     * The key file used without {@link #key}; unset: {@code <rafiki.data.dir>/links/hmac.key},
     * worked out by {@link SignedLinks} since MicroProfile Config does not expand {@code ${…}} in defaults.
     */
    @Inject
    @ConfigProperty(name = "rafiki.links.key-location")
    public Optional<String> keyLocation;

    /** Lifetime of a link unless {@code expires_in} asks otherwise. */
    @Inject
    @ConfigProperty(name = "rafiki.links.ttl-seconds", defaultValue = "3600")
    public long ttlSeconds;

    /** The longest {@code expires_in} a client may ask for (7 days). */
    @Inject
    @ConfigProperty(name = "rafiki.links.max-ttl-seconds", defaultValue = "604800")
    public long maxTtlSeconds;
}
