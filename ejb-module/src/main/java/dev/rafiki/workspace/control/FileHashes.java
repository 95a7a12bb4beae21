package dev.rafiki.workspace.control;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * SHA-256 of workspace files, remembered with the size and modification time they were computed
 * for: an upload records the hash it computed while streaming; a file a tool wrote is hashed when
 * first listed or served, and again only once its size or time changed. Bounded (least recently
 * used entries go) and per node: after a restart, hashes are computed again on demand. A rewrite
 * that keeps the size within the file system's timestamp granularity would go unnoticed; uploads
 * always record their own hash, so only in-place writes by tools could hit that.
 */
final class FileHashes {

    private record Key(UUID session, String path) {
    }

    private record Known(long size, long modifiedNanos, String sha256) {
    }

    private final Map<Key, Known> known;

    FileHashes(int capacity) {
        known = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Known> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized String get(UUID session, String path, BasicFileAttributes attributes) {
        var entry = known.get(new Key(session, path));
        return entry != null && entry.size() == attributes.size() && entry.modifiedNanos() == nanos(attributes)
                ? entry.sha256() : null;
    }

    synchronized void put(UUID session, String path, BasicFileAttributes attributes, String sha256) {
        known.put(new Key(session, path), new Known(attributes.size(), nanos(attributes), sha256));
    }

    private static long nanos(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
