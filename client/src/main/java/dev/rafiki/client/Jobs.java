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
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Background jobs: submit, follow, wait for, cancel, and download what they produced. */
public final class Jobs {

    private final Transport transport;
    private final EventStreams events;
    /** What was downloaded where, by URL: the ETag to ask {@code If-None-Match} with. */
    private final Map<String, Cached> downloaded = new ConcurrentHashMap<>();

    private record Cached(Path path, String etag, long size, long modified) {
    }

    Jobs(Transport transport, EventStreams events) {
        this.transport = transport;
        this.events = events;
    }

    /**
     * {@code POST /submit}: the job as accepted. With the request's (or a fresh) {@code
     * Idempotency-Key} on every try, so a retry after a lost answer finds the first job.
     */
    public Job submit(SubmitRequest request) {
        var key = request.idempotencyKey() != null ? request.idempotencyKey() : RafikiClient.newIdempotencyKey();
        var call = Call.post("/submit", request.toJson().toString(), true).header("Idempotency-Key", key).success(202);
        return transport.send(call, Job.class);
    }

    public Job submit(String prompt) {
        return submit(SubmitRequest.of(prompt));
    }

    public Job get(UUID id) {
        return transport.send(Call.get("/jobs/" + id), Job.class);
    }

    /** One page of the caller's jobs, newest first unless {@code options} say otherwise; {@code statuses} filter. */
    public Page<Job> list(ListOptions options, String... statuses) {
        var call = options.applyTo(Call.get("/jobs")).query("status", statuses.length == 0 ? null : String.join(",", statuses));
        return transport.send(call, Transport.pageOf(Job.class));
    }

    /** {@code POST /jobs/{id}/cancel}: stops it, or takes it off the queue; a finished job stays as it is. Safe to repeat. */
    public Job cancel(UUID id) {
        return transport.send(Call.post("/jobs/" + id + "/cancel", null, true), Job.class);
    }

    /** One page of the job's artifacts, by name. */
    public Page<Artifact> artifacts(UUID jobId, ListOptions options) {
        return transport.send(options.applyTo(Call.get("/jobs/" + jobId + "/artifacts")), Transport.pageOf(Artifact.class));
    }

    /** Every artifact of the job, by name. */
    public List<Artifact> artifacts(UUID jobId) {
        return Sessions.pages(cursor -> artifacts(jobId, ListOptions.limit(200).after(cursor))).toList();
    }

    /**
     * Waits for the job to end, by its events (no polling): the job as it ended. The events are
     * read from the job's start, so an end that came before the call is seen too.
     *
     * @throws RafikiException {@code timeout} (status 0) when it has not ended by then
     */
    public Job await(UUID id, Duration timeout) {
        var job = get(id);
        if (job.terminal()) {
            return job;
        }
        var ended = new CompletableFuture<Void>();
        try (var subscription = events.job(id).after(0).subscribe(new EventListener() {
            @Override
            public void onEvent(Event event) {
                if (event.endsJob()) {
                    ended.complete(null);
                }
            }

            @Override
            public void onError(RafikiException failure) {
                ended.completeExceptionally(failure);
            }
        })) {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RafikiException(0, "timeout", "Timed out", "job " + id + " did not end within " + timeout,
                    null, null, null, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RafikiException r ? r : new RafikiException(0, "stream-failed",
                    "Stream failed", String.valueOf(e.getCause()), null, null, null, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RafikiException(0, "interrupted", "Interrupted", "waiting for job " + id, null, null, null, e);
        }
        return get(id);
    }

    /** {@link #await(UUID, Duration)} on another thread. */
    public CompletableFuture<Job> awaitAsync(UUID id, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> await(id, timeout));
    }

    /**
     * Downloads an artifact to {@code target}, checked against the artifact's {@code sha256}.
     * See {@link #download(UUID, String, Path)}.
     */
    public Download download(UUID jobId, Artifact artifact, Path target) {
        return download(jobId, artifact.name(), target, artifact.sha256());
    }

    /**
     * Downloads an artifact to {@code target}. The bytes go to {@code target.part} first, which
     * becomes {@code target} once whole; a connection that drops mid-way is resumed where it
     * stopped ({@code Range}, with {@code If-Range} so a changed file starts over). A file this
     * client downloaded before and that is unchanged on disk is asked for with {@code
     * If-None-Match}: a {@code 304} transfers nothing.
     */
    public Download download(UUID jobId, String name, Path target) {
        return download(jobId, name, target, null);
    }

    private Download download(UUID jobId, String name, Path target, String sha256) {
        var path = "/jobs/" + jobId + "/artifacts/" + Transport.segment(name);
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
                        "the download's sha256 is " + actual + ", the artifact's " + sha256, null, null, null, null);
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
