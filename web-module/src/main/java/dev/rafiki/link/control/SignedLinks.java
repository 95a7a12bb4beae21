package dev.rafiki.link.control;

import dev.rafiki.platform.config.NodeSettings;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Links that open one download without a token, for a browser: {@code /signed<route>?expires=…
 * &signature=…}, where {@code <route>} is the download route it stands for. Only the holder of a
 * bearer token that may read the content can have one made; the link itself carries no token, so
 * none ends up in a URL, a log or a browser's history. Checked before anything is read: a
 * signature that does not match its path and expiry (tampered, another path, a rotated key, no
 * key) is {@code 403 link-invalid}, a matching one past its expiry {@code 410 link-expired}.
 */
@ApplicationScoped
public class SignedLinks {

    public static final String PREFIX = "/signed";
    private static final String METHOD = "GET";

    @Inject
    LinkSettings settings;

    @Inject
    NodeSettings node;

    private LinkKeys keys;
    private long defaultTtlSeconds;
    private long maxTtlSeconds;

    @Schema(name = "SignedLink")
    public record Link(@Schema(required = true, description = "opens the file or artifact without a token until expires_at") String url,
                       @Schema(required = true) Instant expiresAt) {
    }

    @PostConstruct
    void init() {
        defaultTtlSeconds = settings.ttlSeconds;
        maxTtlSeconds = settings.maxTtlSeconds;
        // default values are not expanded by MicroProfile Config, hence no "${rafiki.data.dir}" default
        var file = settings.keyLocation.map(Path::of)
                .orElseGet(() -> Path.of(node.dataDir, "links", "hmac.key")).toAbsolutePath();
        keys = new LinkKeys(settings.key.orElse(null), file);
        if (keys.current().isEmpty()) {
            java.util.logging.Logger.getLogger(SignedLinks.class.getName()).severe(
                    "signed links are disabled (none made, none accepted): " + keys.problem());
        }
    }

    /**
     * @param base       the server's address as the caller reached it, for an absolute URL
     * @param route      the download route, decoded ({@code /session/<id>/files/a b.txt})
     * @param ttlSeconds the lifetime asked for, or null for the default
     */
    public Link create(URI base, String route, Long ttlSeconds) {
        long ttl = ttlSeconds == null ? defaultTtlSeconds : ttlSeconds;
        if (ttl < 1 || ttl > maxTtlSeconds) {
            throw ApiException.invalid("'expires_in' must be 1 to " + maxTtlSeconds + " seconds");
        }
        var signature = keys.current().orElseThrow(() -> new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                "signed links are disabled on this server: its link key is unusable"));
        var expiresAt = Instant.now().plusSeconds(ttl);
        long expires = expiresAt.getEpochSecond();
        var url = base.resolve(PREFIX.substring(1) + encode(route) + "?expires=" + expires + "&signature="
                + signature.sign(METHOD, route, expires));
        return new Link(url.toString(), Instant.ofEpochSecond(expires));
    }

    /** Refuses unless the link for {@code route} is signed with the current key and not expired. */
    public void check(String route, String expires, String signature) {
        var key = keys.current();
        var verdict = key.isEmpty() ? LinkSignature.Verdict.INVALID
                : key.get().verify(METHOD, route, expires, signature, Instant.now());
        switch (verdict) {
            case INVALID -> throw new ApiException(ErrorCode.LINK_INVALID,
                    "this link is not valid: its signature does not match its path and expiry, or its key was rotated");
            case EXPIRED -> throw new ApiException(ErrorCode.LINK_EXPIRED, "this link expired at "
                    + Instant.ofEpochSecond(Long.parseLong(expires)));
            case VALID -> { }
        }
    }

    /** {@code {"expires_in": seconds}}, optional. */
    public static Long expiresIn(JsonValue body) {
        var json = Bodies.optional(body);
        var value = json == null ? null : json.get("expires_in");
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw ApiException.invalid("'expires_in' must be a whole number of seconds");
        }
        return number.longValue();
    }

    /** Each segment percent-encoded (RFC 3986 path characters), the slashes between kept. */
    static String encode(String route) {
        return Stream.of(route.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
