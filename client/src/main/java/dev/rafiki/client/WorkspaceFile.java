package dev.rafiki.client;

import java.time.Instant;

/** A file in a session's workspace: its path, size, SHA-256 (also its ETag) and modification time. */
public record WorkspaceFile(String path, long size, String sha256, Instant modifiedAt) {
}
