package dev.rafiki.client;

import java.time.Instant;

/** A short-lived token that can only follow one session (or one job): for a browser's EventSource or WebSocket. */
public record StreamToken(String token, String tokenType, Instant expiresAt, String sessionId, long expiresIn) {
}
