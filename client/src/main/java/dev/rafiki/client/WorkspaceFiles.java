package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A session's workspace ({@code /session/{id}/files}): the files its tools read and write. Paths
 * are relative to the workspace, with {@code /} between directories.
 */
public final class WorkspaceFiles {

    private final Transport transport;
    private final Downloads downloads;

    WorkspaceFiles(Transport transport, Downloads downloads) {
        this.transport = transport;
        this.downloads = downloads;
    }

    /** One page of the workspace's files, by path. */
    public FileList list(UUID sessionId, ListOptions options) {
        return transport.send(options.applyTo(Call.get(base(sessionId))), FileList.class);
    }

    /**
     * {@code PUT /session/{id}/files/{path}}: stores {@code content} at {@code path}, replacing a
     * file there. Tried again as the retry policy allows: a {@code PUT} of the same bytes is
     * idempotent.
     */
    public WorkspaceFile upload(UUID sessionId, String path, byte[] content) {
        return upload(sessionId, path, () -> new java.io.ByteArrayInputStream(content));
    }

    /** Uploads the file at {@code source} (streamed, not read into memory). */
    public WorkspaceFile upload(UUID sessionId, String path, Path source) {
        return upload(sessionId, path, () -> java.nio.file.Files.newInputStream(source));
    }

    /** Where an upload's bytes come from, opened again for every try. */
    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
    }

    private WorkspaceFile upload(UUID sessionId, String path, Source source) {
        var call = Call.method("PUT", base(sessionId) + "/" + encodePath(path), null, true).success(201);
        for (int attempt = 1; ; attempt++) {
            RafikiException failure;
            try (var in = source.open()) {
                var response = transport.request(call, MediaType.APPLICATION_JSON_TYPE, Transport.PROBLEM_JSON)
                        .put(Entity.entity(in, MediaType.APPLICATION_OCTET_STREAM_TYPE));
                try {
                    var body = response.hasEntity() ? response.readEntity(String.class) : "";
                    if (response.getStatus() == 201) {
                        return transport.read(body, WorkspaceFile.class);
                    }
                    failure = RafikiException.of(response.getStatus(), body, response.getHeaderString("Retry-After"),
                            response.getHeaderString("X-Request-Id"));
                } finally {
                    response.close();
                }
            } catch (ProcessingException | IOException lost) {
                failure = RafikiException.connectionFailed(lost);
            }
            var pause = transport.retries.pauseAfter(attempt, failure, true);
            if (pause == null) {
                throw failure;
            }
            transport.pause(pause);
        }
    }

    /**
     * Downloads a workspace file to {@code target}, as artifacts are downloaded ({@link
     * Jobs#download(UUID, String, Path)}): resumed after a drop, {@code 304} while current.
     */
    public Download download(UUID sessionId, String path, Path target) {
        return downloads.download(base(sessionId) + "/" + encodePath(path), target, null);
    }

    /** {@code DELETE /session/{id}/files/{path}}; a retry that finds it gone is done too. */
    public void delete(UUID sessionId, String path) {
        transport.send(Call.method("DELETE", base(sessionId) + "/" + encodePath(path), null, true).success(204)
                .successOnRetry(404));
    }

    /** A signed link that opens the file without a token for {@code expiresIn} (null: the server's default). */
    public SignedLink link(UUID sessionId, String path, Duration expiresIn) {
        return transport.send(SignedLink.request(base(sessionId) + "/" + encodePath(path), expiresIn), SignedLink.class);
    }

    private static String base(UUID sessionId) {
        return "/session/" + sessionId + "/files";
    }

    /** Each segment encoded, the slashes between them kept. */
    static String encodePath(String path) {
        var encoded = new StringBuilder();
        for (var segment : path.split("/", -1)) {
            if (encoded.length() > 0) {
                encoded.append('/');
            }
            encoded.append(Transport.segment(segment));
        }
        return encoded.toString();
    }
}
