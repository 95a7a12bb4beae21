package dev.rafiki.client;

import java.time.Instant;

/** A file a job saved; {@code url} downloads it, {@code sha256} is its content's hash (and its ETag). */
public record Artifact(String name, long size, String contentType, String sha256, String url, String toolCallId,
                       Long eventSeq, Instant createdAt) {
}
