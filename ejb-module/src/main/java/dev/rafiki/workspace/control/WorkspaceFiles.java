package dev.rafiki.workspace.control;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.workspace.control.Workspace.WorkspaceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A session's workspace as its owner sees it over HTTP: list, upload, download, delete. Every path
 * goes through {@link Workspace#resolve}, the tools' own rule, so a path the agent may not use is
 * refused here with the very same reason ({@code path-not-allowed}). Then every file operation
 * goes through {@link Workspace#openParent}, which follows no link on the way: the agent's shell
 * may run while a request is served, and a directory it turns into a link between the check and
 * the use leads nowhere (the request fails, nothing outside is read or written).
 * <p>
 * An upload never shows a tool a half-written file: it is streamed to a staging file beside the
 * workspaces (same file system), hashed on the way, then renamed into place in one atomic step; a
 * tool that reads the file meanwhile sees the old content or the new, whole. So uploads are allowed
 * while a prompt runs. Uploads of one session are serialised on this node, so the quota holds
 * against concurrent uploads; the agent's own writes count towards the quota but are not refused
 * by it (the tools have their own per-write cap).
 */
@ApplicationScoped
public class WorkspaceFiles {

    /** Listing stops here: a workspace with more files is reported {@code truncated}. */
    static final int MAX_LISTED = 10_000;
    /** Directories deeper than this are not listed (each level holds a file descriptor while walked). */
    static final int MAX_DEPTH = 64;
    private static final String STAGING = ".incoming";

    @Inject
    Workspaces workspaces;

    @Inject
    WorkspaceSettings settings;

    private final FileHashes hashes = new FileHashes(50_000);
    /** Striped, so that the locks stay few however many sessions there are. */
    private final Object[] uploadLocks = java.util.stream.Stream.generate(Object::new).limit(64).toArray();

    public record FileEntry(@Schema(required = true) String path, long size, @Schema(required = true) String sha256,
                            @Schema(required = true) Instant modifiedAt) {
    }

    /** {@code truncated}: directories deeper than {@link #MAX_DEPTH} were left out; {@code nextCursor}: null on the last page. */
    public record Listing(List<FileEntry> items, long usedBytes, long quotaBytes, boolean truncated, String nextCursor) {
    }

    /** A regular file of a workspace, opened: the caller reads and closes {@code channel}. */
    public record Opened(FileEntry entry, SeekableByteChannel channel) {
    }

    public long maxUploadBytes() {
        return settings.maxUploadBytes;
    }

    public Listing list(UUID session) {
        var listing = page(session, null, false, MAX_LISTED);
        return new Listing(listing.items(), listing.usedBytes(), listing.quotaBytes(),
                listing.truncated() || listing.nextCursor() != null, null);
    }

    /**
     * One page of the workspace's regular files by path (or backwards), after the path
     * {@code after} (null: from the first). The walk sees every file, to count the bytes used, but
     * keeps only the {@code limit} + 1 nearest the cursor: a page costs memory and hashing for
     * about its own files, however many the workspace holds.
     */
    public Listing page(UUID session, String after, boolean descending, int limit) {
        var workspace = workspaces.of(session);
        Comparator<String> order = descending ? Comparator.reverseOrder() : Comparator.naturalOrder();
        var nearest = new TreeMap<String, FileEntry>(order);
        long[] used = {0};
        boolean[] truncated = {false};
        try (var root = workspace.openRoot()) {
            walk(root, "", 0, (relative, directory, name, attributes) -> {
                used[0] += attributes.size();
                if (after != null && order.compare(relative, after) <= 0
                        || nearest.size() > limit && order.compare(relative, nearest.lastKey()) > 0) {
                    return;
                }
                nearest.put(relative, entry(session, relative, directory, name, attributes));
                if (nearest.size() > limit + 1) {
                    nearest.pollLastEntry();
                }
            }, truncated);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var items = new ArrayList<>(nearest.values());
        String next = null;
        if (items.size() > limit) {
            items.remove(limit);
            next = items.get(limit - 1).path();
        }
        return new Listing(items, used[0], settings.quotaBytes, truncated[0], next);
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
        if (declaredLength > settings.maxUploadBytes) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "an upload is at most " + settings.maxUploadBytes + " bytes");
        }
        var relative = workspace.relative(target);
        long room = settings.quotaBytes - usedWithout(workspace, relative);
        if (declaredLength > room) {
            throw quotaExceeded(room);
        }
        var stagingDirectory = workspaces.directory().resolve(STAGING);
        var staging = Path.of(session + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(stagingDirectory);
            var digest = sha256();
            long written = copy(body, stagingDirectory.resolve(staging), digest, Math.min(settings.maxUploadBytes, room));
            var name = target.getFileName();
            synchronized (uploadLocks[Math.floorMod(session.hashCode(), uploadLocks.length)]) {
                // again, now that no other upload of this session can move a file in
                if (written > settings.quotaBytes - usedWithout(workspace, relative)) {
                    throw quotaExceeded(settings.quotaBytes - usedWithout(workspace, relative));
                }
                try {
                    Files.createDirectories(target.getParent());
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw new ApiException(ErrorCode.PATH_NOT_ALLOWED, "a directory on the way of '" + path + "' is a file");
                }
                // after creating directories, checked again: nothing on the way may have become a link
                target = resolve(workspace, path);
                try (var from = openStaging(stagingDirectory); var into = parent(workspace, target, path)) {
                    from.move(staging, into, name); // renameat(2): atomic, replaces a file there
                }
            }
            var attributes = attributes(workspace, target, path);
            var sha256 = HexFormat.of().formatHex(digest.digest());
            hashes.put(session, relative, attributes, sha256);
            touch(workspace);
            return new FileEntry(relative, attributes.size(), sha256, attributes.lastModifiedTime().toInstant());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(stagingDirectory.resolve(staging));
            } catch (IOException ignored) {
                // a staging file left behind is removed by the sweep of idle workspaces
            }
        }
    }

    public Opened open(UUID session, String path) {
        var workspace = workspaces.of(session);
        var file = resolve(workspace, path);
        if (file.equals(workspace.root())) {
            throw ApiException.notFound("file '" + path + "'");
        }
        try (var parent = parent(workspace, file, path)) {
            var name = file.getFileName();
            var attributes = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (!attributes.isRegularFile()) {
                throw ApiException.notFound("file '" + path + "'");
            }
            var relative = workspace.relative(file);
            // opened once: the hash, the size and the content all come from this one file, even if an
            // upload renames another into place meanwhile
            var channel = parent.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            try {
                var sha256 = hashes.get(session, relative, attributes);
                if (sha256 == null) {
                    sha256 = hash(channel);
                    hashes.put(session, relative, attributes, sha256);
                    channel.position(0);
                }
                return new Opened(new FileEntry(relative, attributes.size(), sha256,
                        attributes.lastModifiedTime().toInstant()), channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw ApiException.notFound("file '" + path + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(UUID session, String path) {
        var workspace = workspaces.of(session);
        var file = resolve(workspace, path);
        if (file.equals(workspace.root())) {
            throw ApiException.notFound("file '" + path + "'");
        }
        try (var parent = parent(workspace, file, path)) {
            var name = file.getFileName();
            var attributes = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (!attributes.isRegularFile()) {
                throw ApiException.notFound("file '" + path + "'");
            }
            parent.deleteFile(name);
            touch(workspace);
        } catch (NoSuchFileException | NotDirectoryException e) {
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

    /**
     * The directory holding {@code target}, opened without following links. A link on the way now
     * (made after {@link #resolve} checked it) is refused as the tools refuse links; a missing
     * directory is left to the caller (not found).
     */
    private static SecureDirectoryStream<Path> parent(Workspace workspace, Path target, String path) throws IOException {
        try {
            return workspace.openParent(target);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw e;
        } catch (FileSystemException e) {
            // ELOOP from O_NOFOLLOW: a directory on the way is a link
            throw new ApiException(ErrorCode.PATH_NOT_ALLOWED, "symbolic links are not followed: " + path);
        }
    }

    private static BasicFileAttributes attributes(Workspace workspace, Path file, String path) throws IOException {
        try (var parent = parent(workspace, file, path)) {
            return parent.getFileAttributeView(file.getFileName(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        }
    }

    private static SecureDirectoryStream<Path> openStaging(Path directory) throws IOException {
        var stream = Files.newDirectoryStream(directory);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this platform cannot move files between directory handles");
    }

    @FunctionalInterface
    private interface FileVisitor {
        void file(String relative, SecureDirectoryStream<Path> directory, Path name, BasicFileAttributes attributes)
                throws IOException;
    }

    /** Every regular file under {@code directory}, through directory handles only (no link is followed). */
    private static void walk(SecureDirectoryStream<Path> directory, String prefix, int depth, FileVisitor visitor,
                             boolean[] truncated) throws IOException {
        var names = new ArrayList<Path>();
        for (var entry : directory) {
            names.add(entry.getFileName());
        }
        for (var name : names) {
            BasicFileAttributes attributes;
            try {
                attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException removedMeanwhile) {
                continue;
            }
            var relative = prefix + name;
            if (attributes.isRegularFile()) {
                try {
                    visitor.file(relative, directory, name, attributes);
                } catch (NoSuchFileException removedMeanwhile) {
                    // a tool removed it while we looked
                }
            } else if (attributes.isDirectory()) {
                if (depth >= MAX_DEPTH) {
                    truncated[0] = true;
                    continue;
                }
                SecureDirectoryStream<Path> sub;
                try {
                    sub = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException changedMeanwhile) {
                    continue;
                }
                try (sub) {
                    walk(sub, relative + "/", depth + 1, visitor, truncated);
                }
            }
        }
    }

    private FileEntry entry(UUID session, String relative, SecureDirectoryStream<Path> directory, Path name,
                            BasicFileAttributes attributes) throws IOException {
        var sha256 = hashes.get(session, relative, attributes);
        if (sha256 == null) {
            try (var channel = directory.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                sha256 = hash(channel);
            }
            hashes.put(session, relative, attributes, sha256);
        }
        return new FileEntry(relative, attributes.size(), sha256, attributes.lastModifiedTime().toInstant());
    }

    private static String hash(SeekableByteChannel channel) throws IOException {
        var digest = sha256();
        var buffer = ByteBuffer.allocate(65536);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Bytes of regular files in the workspace, but for {@code except} (the file an upload replaces). */
    private static long usedWithout(Workspace workspace, String except) {
        long[] used = {0};
        try (var root = workspace.openRoot()) {
            walk(root, "", 0, (relative, directory, name, attributes) -> {
                if (!relative.equals(except)) {
                    used[0] += attributes.size();
                }
            }, new boolean[1]);
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
                    throw limit == settings.maxUploadBytes
                            ? new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "an upload is at most " + settings.maxUploadBytes + " bytes")
                            : quotaExceeded(limit);
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return written;
    }

    private ApiException quotaExceeded(long room) {
        return new ApiException(ErrorCode.QUOTA_EXCEEDED, "the workspace holds at most " + settings.quotaBytes
                + " bytes; " + Math.max(0, room) + " bytes are left for this file",
                Map.of("quota_bytes", settings.quotaBytes, "available_bytes", Math.max(0, room)));
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
