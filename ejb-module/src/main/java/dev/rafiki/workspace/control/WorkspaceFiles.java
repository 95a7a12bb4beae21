package dev.rafiki.workspace.control;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.workspace.control.Workspace.WorkspaceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A session's workspace as its owner sees it over HTTP: list, upload, download, delete. Every path
 * goes through {@link Workspace#resolve}, the tools' own rule, so a path the agent may not use is
 * refused here with the very same reason ({@code path-not-allowed}).
 * <p>
 * An upload never shows a tool a half-written file: it is streamed to a staging file beside the
 * workspaces (same file system), hashed on the way, then moved into place in one atomic rename; a
 * tool that reads the file meanwhile sees the old content or the new, whole. So uploads are allowed
 * while a prompt runs. Uploads of one session are serialised on this node, so the quota holds
 * against concurrent uploads; the agent's own writes count towards the quota but are not refused
 * by it (the tools have their own per-write cap).
 */
@ApplicationScoped
public class WorkspaceFiles {

    /** Listing stops here: a workspace with more files is reported {@code truncated}. */
    static final int MAX_LISTED = 10_000;
    private static final String STAGING = ".incoming";

    @Inject
    Workspaces workspaces;

    @Inject
    @ConfigProperty(name = "rafiki.files.max-upload-bytes", defaultValue = "67108864")
    long maxUploadBytes;

    @Inject
    @ConfigProperty(name = "rafiki.files.quota-bytes", defaultValue = "1073741824")
    long quotaBytes;

    private final FileHashes hashes = new FileHashes(50_000);
    /** Striped, so that the locks stay few however many sessions there are. */
    private final Object[] uploadLocks = java.util.stream.Stream.generate(Object::new).limit(64).toArray();

    public record FileEntry(String path, long size, String sha256, Instant modifiedAt) {
    }

    public record Listing(List<FileEntry> items, long usedBytes, long quotaBytes, boolean truncated) {
    }

    /** A regular file of a workspace, ready to be served. */
    public record Opened(FileEntry entry, Path file) {
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public Listing list(UUID session) {
        var workspace = workspaces.of(session);
        var items = new ArrayList<FileEntry>();
        long[] used = {0};
        boolean[] truncated = {false};
        try {
            Files.walkFileTree(workspace.root(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    // walkFileTree does not follow links: a link is reported as itself, and skipped
                    if (attributes.isRegularFile()) {
                        used[0] += attributes.size();
                        if (items.size() < MAX_LISTED) {
                            items.add(entry(session, workspace.relative(file), file, attributes));
                        } else {
                            truncated[0] = true;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed by a tool while we walked
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        items.sort(java.util.Comparator.comparing(FileEntry::path));
        return new Listing(items, used[0], quotaBytes, truncated[0]);
    }

    /**
     * Stores an upload at {@code path}, replacing a file there.
     *
     * @param declaredLength the request's Content-Length, or -1 when it is chunked
     */
    public FileEntry store(UUID session, String path, InputStream body, long declaredLength) {
        var workspace = workspaces.of(session);
        var target = resolve(workspace, path);
        if (target.equals(workspace.root()) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(ErrorCode.PATH_NOT_ALLOWED, "'" + path + "' is a directory: a file name is required");
        }
        if (declaredLength > maxUploadBytes) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "an upload is at most " + maxUploadBytes + " bytes");
        }
        long room = quotaBytes - usedWithout(workspace, target);
        if (declaredLength > room) {
            throw quotaExceeded(room);
        }
        var staging = staging(session);
        try {
            var digest = sha256();
            long written = copy(body, staging, digest, Math.min(maxUploadBytes, room));
            synchronized (uploadLocks[Math.floorMod(session.hashCode(), uploadLocks.length)]) {
                // again, now that no other upload of this session can move a file in
                if (written > quotaBytes - usedWithout(workspace, target)) {
                    throw quotaExceeded(quotaBytes - usedWithout(workspace, target));
                }
                try {
                    Files.createDirectories(target.getParent());
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw new ApiException(ErrorCode.PATH_NOT_ALLOWED, "a directory on the way of '" + path + "' is a file");
                }
                // after creating directories, resolved again: nothing on the way may have become a link
                target = resolve(workspace, path);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            var attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            var sha256 = HexFormat.of().formatHex(digest.digest());
            hashes.put(session, workspace.relative(target), attributes, sha256);
            touch(workspace);
            return new FileEntry(workspace.relative(target), attributes.size(), sha256,
                    attributes.lastModifiedTime().toInstant());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(staging);
            } catch (IOException ignored) {
                // a staging file left behind is removed by the next sweep of idle workspaces
            }
        }
    }

    public Opened open(UUID session, String path) {
        var workspace = workspaces.of(session);
        var file = resolve(workspace, path);
        try {
            var attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw ApiException.notFound("file '" + path + "'");
            }
            return new Opened(entry(session, workspace.relative(file), file, attributes), file);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("file '" + path + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(UUID session, String path) {
        var workspace = workspaces.of(session);
        var file = resolve(workspace, path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("file '" + path + "'");
        }
        try {
            Files.delete(file);
            touch(workspace);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("file '" + path + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tools' rule, with the tools' own words as the problem's detail. */
    static Path resolve(Workspace workspace, String path) {
        try {
            return workspace.resolve(path);
        } catch (WorkspaceException e) {
            throw new ApiException(ErrorCode.PATH_NOT_ALLOWED, e.getMessage());
        }
    }

    private FileEntry entry(UUID session, String relative, Path file, BasicFileAttributes attributes) throws IOException {
        var sha256 = hashes.get(session, relative, attributes);
        if (sha256 == null) {
            sha256 = hash(file);
            hashes.put(session, relative, attributes, sha256);
        }
        return new FileEntry(relative, attributes.size(), sha256, attributes.lastModifiedTime().toInstant());
    }

    private static String hash(Path file) throws IOException {
        var digest = sha256();
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            var buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Bytes of regular files in the workspace, but for {@code except} (the file an upload replaces). */
    private static long usedWithout(Workspace workspace, Path except) {
        long[] used = {0};
        try {
            Files.walkFileTree(workspace.root(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && !file.equals(except)) {
                        used[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return used[0];
    }

    /** Copies at most {@code limit} bytes; one more is a refusal, told apart by its code. */
    private long copy(InputStream body, Path staging, MessageDigest digest, long limit) throws IOException {
        long written = 0;
        try (var out = Files.newOutputStream(staging, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var buffer = new byte[65536];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                written += n;
                if (written > limit) {
                    throw limit == maxUploadBytes
                            ? new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "an upload is at most " + maxUploadBytes + " bytes")
                            : quotaExceeded(limit);
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return written;
    }

    private ApiException quotaExceeded(long room) {
        return new ApiException(ErrorCode.QUOTA_EXCEEDED, "the workspace holds at most " + quotaBytes
                + " bytes; " + Math.max(0, room) + " bytes are left for this file",
                java.util.Map.of("quota_bytes", quotaBytes, "available_bytes", Math.max(0, room)));
    }

    /** A staging file on the workspaces' file system, outside every workspace (tools never see it). */
    private Path staging(UUID session) {
        try {
            var directory = workspaces.directory().resolve(STAGING);
            Files.createDirectories(directory);
            return directory.resolve(session + "-" + UUID.randomUUID());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workspace root's time is its owner's last change through the API (see {@link IdleWorkspaces}). */
    private static void touch(Workspace workspace) throws IOException {
        Files.setLastModifiedTime(workspace.root(), FileTime.from(Instant.now()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
