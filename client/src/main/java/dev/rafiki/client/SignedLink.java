package dev.rafiki.client;

import java.time.Instant;

/** A link that opens a file without a token until {@code expiresAt}. */
public record SignedLink(String url, Instant expiresAt) {
}
