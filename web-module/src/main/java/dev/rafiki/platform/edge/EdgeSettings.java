package dev.rafiki.platform.edge;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The public edge: browsers (CORS), body sizes, rate limits, open streams. The limits of each
 * route class ({@code rafiki.ratelimit.<class>.*}) are read by {@link RateLimiter}, with the
 * defaults {@link RouteClass} gives each class.
 */
@Dependent
public class EdgeSettings {

    /** Browser origins allowed to call the API and open WebSockets, comma-separated, {@code *} for any; unset: none. */
    @Inject
    @ConfigProperty(name = "rafiki.cors.allowed-origins")
    public Optional<String> corsAllowedOrigins;

    /** Send {@code Access-Control-Allow-Credentials: true} (the origin is then always echoed, never {@code *}). */
    @Inject
    @ConfigProperty(name = "rafiki.cors.allow-credentials", defaultValue = "false")
    public boolean corsAllowCredentials;

    /** How long browsers may cache a preflight. */
    @Inject
    @ConfigProperty(name = "rafiki.cors.max-age-seconds", defaultValue = "600")
    public long corsMaxAgeSeconds;

    /** Largest request body (1 MiB); file uploads have their own limit. */
    @Inject
    @ConfigProperty(name = "rafiki.http.max-body-bytes", defaultValue = "1048576")
    public long maxBodyBytes;

    /** Most log lines a minute about refused bearer tokens: a flood of forged tokens must not flood the log. */
    @Inject
    @ConfigProperty(name = "rafiki.log.refusals-per-minute", defaultValue = "10")
    public int refusalsPerMinute;

    /**
     * Rate limits on or off. Text, not a boolean: MicroProfile Config reads any word it does not
     * know as false, and a typo must not switch the limits off ({@link RateLimiter#switchedOn}).
     */
    @Inject
    @ConfigProperty(name = "rafiki.ratelimit.enabled", defaultValue = "true")
    public String rateLimits;

    /** A client address's bucket is this many times a user's: several users may share an address. */
    @Inject
    @ConfigProperty(name = "rafiki.ratelimit.address-factor", defaultValue = "10")
    public int addressFactor;

    /** Open WebSocket and SSE streams per user and node. */
    @Inject
    @ConfigProperty(name = "rafiki.streams.max-per-user", defaultValue = "20")
    public int maxStreamsPerUser;
}
