package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downloads of artifacts and workspace files, which the server answers alike (ETag = the
 * content's SHA-256, one {@code Range}, {@code If-Range}, {@code If-None-Match}). The bytes go to
 * {@code target.part} first, which becomes {@code target} once whole; a connection that drops
 * mid-way is resumed where it stopped ({@code Range} with {@code If-Range}, so a changed file
 * starts over); a file this client downloaded before and that is unchanged on disk is asked for
 * with {@code If-None-Match}, and a {@code 304} transfers nothing.
 */
final class Downloads {

    private final Transport transport;
    /** What was downloaded where, by path and target: the ETag to ask {@code If-None-Match} with. */
    private final Map<String, Cached> downloaded = new ConcurrentHashMap<>();

    private record Cached(Path path, String etag, long size, long modified) {
    }

    Downloads(Transport transport) {
        this.transport = transport;
    }

    /** @param sha256 the content's expected SHA-256 (hex), or null not to check it */
    Download download(String path, Path target, String sha256) {
        var key = path + " " + target.toAbsolutePath();
        var part = target.resolveSibling(target.getFileName() + ".part");
        var cached = downloaded.get(key);
        String ifNoneMatch = cached != null && unchanged(cached) ? cached.etag() : null;
        String etag = null;
        long have = 0;
        int resumed = 0;
        try {
            Files.deleteIfExists(part);
            for (int attempt = 1; ; attempt++) {
                var call = Call.get(path);
                if (have > 0 && etag != null) {
                    call.header("Range", "bytes=" + have + "-").header("If-Range", etag);
                } else if (ifNoneMatch != null) {
                    call.header("If-None-Match", ifNoneMatch);
                }
                RafikiException failure;
                try {
                    var response = transport.request(call, MediaType.WILDCARD_TYPE).get();
                    try {
                        int status = response.getStatus();
                        if (status == 304) {
                            return new Download(target, cached.size(), cached.etag(), true, 0);
                        }
                        if (status == 200 || status == 206) {
                            boolean append = status == 206;
                            if (append && !rangeStartsAt(response.getHeaderString("Content-Range"), have)) {
                                throw new IOException("the server resumed at another offset: " + response.getHeaderString("Content-Range"));
                            }
                            if (!append) {
                                have = 0;
                            }
                            etag = response.getHeaderString("ETag");
                            var length = response.getHeaderString("Content-Length");
                            long expected = length == null || length.isBlank() ? -1 : Long.parseLong(length.strip());
                            long got = copy(response.readEntity(InputStream.class), part, append);
                            if (expected >= 0 && got < expected) {
                                // some connectors end a body early without a word when the connection drops
                                throw new java.io.EOFException("the body ended after " + got + " of " + expected + " bytes");
                            }
                            have += got;
                            return finish(key, part, target, have, etag, sha256, resumed);
                        }
                        var body = response.hasEntity() ? response.readEntity(String.class) : "";
                        failure = RafikiException.of(status, body, response.getHeaderString("Retry-After"),
                                response.getHeaderString("X-Request-Id"));
                    } finally {
                        response.close();
                    }
                } catch (ProcessingException | IOException lost) {
                    // what arrived stays in the part file: the next try asks for the rest
                    long before = have;
                    have = Files.exists(part) ? Files.size(part) : 0;
                    failure = RafikiException.connectionFailed(lost);
                    if (have > before && etag != null) {
                        // progress: the tries count afresh from here
                        resumed++;
                        attempt = 1;
                    }
                }
                var pause = transport.retries.pauseAfter(attempt, failure, true);
                if (pause == null) {
                    throw failure;
                }
                transport.pause(pause);
            }
        } catch (IOException e) {
            throw new RafikiException(0, "io-failed", "Writing the download failed", e.getMessage(), null, null, null, e);
        }
    }

    private Download finish(String key, Path part, Path target, long size, String etag, String sha256, int resumed)
            throws IOException {
        if (sha256 != null) {
            var actual = sha256(part);
            if (!actual.equalsIgnoreCase(sha256)) {
                Files.deleteIfExists(part);
                throw new RafikiException(0, "checksum-mismatch", "Checksum mismatch",
                        "the download's sha256 is " + actual + ", expected " + sha256, null, null, null, null);
            }
        }
        try {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (etag != null) {
            downloaded.put(key, new Cached(target, etag, size, Files.getLastModifiedTime(target).toMillis()));
        }
        return new Download(target, size, etag, false, resumed);
    }

    private static boolean unchanged(Cached cached) {
        try {
            return Files.size(cached.path()) == cached.size()
                    && Files.getLastModifiedTime(cached.path()).toMillis() == cached.modified();
        } catch (IOException gone) {
            return false;
        }
    }

    /** {@code Content-Range: bytes 100-199/200} starts at 100. */
    static boolean rangeStartsAt(String contentRange, long offset) {
        if (contentRange == null || !contentRange.startsWith("bytes ")) {
            return false;
        }
        int dash = contentRange.indexOf('-');
        try {
            return dash > 6 && Long.parseLong(contentRange.substring(6, dash).strip()) == offset;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long copy(InputStream in, Path part, boolean append) throws IOException {
        long written = 0;
        try (in; OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                written += n;
            }
        }
        return written;
    }

    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var digest = MessageDigest.getInstance("SHA-256");
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
