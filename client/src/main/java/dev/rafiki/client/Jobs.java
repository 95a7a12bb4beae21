package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Background jobs: submit, follow, wait for, cancel, and download what they produced. */
public final class Jobs {

    private final Transport transport;
    private final EventStreams events;
    private final Downloads downloads;

    Jobs(Transport transport, EventStreams events, Downloads downloads) {
        this.transport = transport;
        this.events = events;
        this.downloads = downloads;
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

    /**
     * {@code POST /jobs/{id}/stream-token}: a short-lived token that can only follow this job's
     * events (as {@code access_token} on {@code /events} or {@code /ws}), to hand to a browser.
     */
    public StreamToken streamToken(UUID id) {
        return transport.send(Call.post("/jobs/" + id + "/stream-token", null, true), StreamToken.class);
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

    /**
     * {@code POST /jobs/{id}/artifacts/{name}/link}: a signed link that opens the artifact without a
     * token for {@code expiresIn} (null: the server's default), to hand to someone who has none.
     */
    public SignedLink link(UUID jobId, String name, Duration expiresIn) {
        return transport.send(SignedLink.request("/jobs/" + jobId + "/artifacts/" + Transport.segment(name), expiresIn),
                SignedLink.class);
    }

    private Download download(UUID jobId, String name, Path target, String sha256) {
        return downloads.download("/jobs/" + jobId + "/artifacts/" + Transport.segment(name), target, sha256);
    }
}
