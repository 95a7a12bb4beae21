package dev.rafiki.workspace.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * A session's private directory, and the only place its tools may touch. Every path a model
 * gives is resolved here: absolute paths, {@code ..} that leaves the root and symbolic links
 * (anywhere on the way) are refused, so neither a crafted name nor a link the model created
 * earlier can reach outside.
 */
public final class Workspace {

    private final Path root;

    public Workspace(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * @param relative a path relative to the workspace, as the model wrote it
     * @return the absolute path inside the workspace; the file need not exist
     */
    public Path resolve(String relative) throws WorkspaceException {
        if (relative == null || relative.isBlank()) {
            throw new WorkspaceException("a path is required");
        }
        if (relative.indexOf('\0') >= 0) {
            throw new WorkspaceException("the path contains a NUL character");
        }
        Path given;
        try {
            given = Path.of(relative);
        } catch (RuntimeException e) {
            throw new WorkspaceException("not a valid path: " + relative);
        }
        if (given.isAbsolute()) {
            throw new WorkspaceException("absolute paths are not allowed: use a path relative to the workspace");
        }
        var target = root.resolve(given).normalize();
        if (!target.startsWith(root)) {
            throw new WorkspaceException("the path leaves the workspace: " + relative);
        }
        // No element on the way may be a symbolic link: a link could point anywhere.
        var current = root;
        for (var element : root.relativize(target)) {
            current = current.resolve(element);
            if (Files.isSymbolicLink(current)) {
                throw new WorkspaceException("symbolic links are not followed: " + root.relativize(current));
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
        }
        return target;
    }

    /**
     * The directory holding {@code target} (a path {@link #resolve} returned), opened one level at
     * a time from the root without following a link: a directory on the way that became a symbolic
     * link after {@code resolve} checked it (a command of the agent's shell racing a request) makes
     * this fail instead of leading outside. Operations through the stream ({@code *at} system
     * calls) act on the name in that very directory.
     */
    public SecureDirectoryStream<Path> openParent(Path target) throws IOException {
        var relative = root.relativize(target);
        if (relative.getNameCount() < 1 || relative.toString().isEmpty()) {
            throw new IOException("the workspace root has no parent inside the workspace");
        }
        var directory = openRoot();
        try {
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                var next = directory.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
                directory.close();
                directory = next;
            }
            return directory;
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** The root, as a directory stream whose operations never follow a link out of it. */
    public SecureDirectoryStream<Path> openRoot() throws IOException {
        var stream = Files.newDirectoryStream(root);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        // fail closed: without openat(2) and friends, a race could lead outside the workspace
        throw new IOException("this platform cannot open directories without following symbolic links");
    }

    public String relative(Path inside) {
        var relative = root.relativize(inside).toString();
        return relative.isEmpty() ? "." : relative;
    }

    /** A refused or failed workspace operation; the message is shown to the model. */
    public static final class WorkspaceException extends Exception {
        public WorkspaceException(String message) {
            super(message, null, false, false);
        }
    }
}
