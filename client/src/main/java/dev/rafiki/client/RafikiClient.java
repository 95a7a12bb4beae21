package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A typed client of Rafiki's public API, on the Jakarta REST client API.
 *
 * <pre>{@code
 * try (var rafiki = RafikiClient.builder(URI.create("http://127.0.0.1:8080")).token(() -> myToken()).build()) {
 *     var answer = rafiki.query("What is 6 x 7?");
 *     String text = answer.answer();                  // the prompt as ended: answer, status, usage, …
 * }
 * }</pre>
 *
 * Thread-safe: share one instance. Every failure is a {@link RafikiException}.
 */
public final class RafikiClient implements AutoCloseable {

    private final Transport transport;
    private final Client ownClient;
    private final Client ownStreamClient;
    private final Duration queryTimeout;
    private final Duration longestWait;
    private final Sessions sessions;
    private final Jobs jobs;
    private final EventStreams events;
    private final WorkspaceFiles files;
    private final Schedules schedules;
    private final Agents agents;
    private final Admin admin;

    private RafikiClient(Builder builder) {
        Client calls = builder.client;
        Client streams = builder.client;
        if (calls == null) {
            // reads wait up to the server's wait limit (60 s by default) for an answer; streams hear a
            // keep-alive every 15 s, so a read that waits longer than the idle timeout met a dead peer
            calls = ClientBuilder.newBuilder().connectTimeout(builder.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .readTimeout(builder.readTimeout.toMillis(), TimeUnit.MILLISECONDS).build();
            streams = ClientBuilder.newBuilder().connectTimeout(builder.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .readTimeout(builder.streamIdleTimeout.toMillis(), TimeUnit.MILLISECONDS).build();
            ownClient = calls;
            ownStreamClient = streams;
        } else {
            ownClient = null;
            ownStreamClient = null;
        }
        this.transport = new Transport(calls, builder.base, builder.token, builder.retries, builder.sleeper);
        this.queryTimeout = builder.queryTimeout;
        // a query asks the server to wait at most this long per request, well inside the read timeout
        this.longestWait = builder.client == null ? builder.readTimeout.minusSeconds(10) : Duration.ofSeconds(50);
        this.events = new EventStreams(transport, streams, new EventStreams.Settings(builder.streamInitialBackoff,
                builder.streamMaxBackoff, builder.streamIdleTimeout, builder.connectTimeout), builder.webSockets);
        var downloads = new Downloads(transport);
        this.sessions = new Sessions(transport);
        this.jobs = new Jobs(transport, events, downloads);
        this.files = new WorkspaceFiles(transport, downloads);
        this.schedules = new Schedules(transport);
        this.agents = new Agents(transport);
        this.admin = new Admin(transport);
    }

    /** A client of the server at {@code base} ({@code http://127.0.0.1:8080}). */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    public Sessions sessions() {
        return sessions;
    }

    public Jobs jobs() {
        return jobs;
    }

    /** Sessions' workspaces: upload, list, download, delete, signed links. */
    public WorkspaceFiles files() {
        return files;
    }

    public Schedules schedules() {
        return schedules;
    }

    /** Agent profiles, and the tools they may name. */
    public Agents agents() {
        return agents;
    }

    /** Budgets and dead letters: for tokens whose groups hold {@code admin}. */
    public Admin admin() {
        return admin;
    }

    /** Event streams over Server-Sent Events, each resuming by itself after a drop. */
    public EventStreams events() {
        return events;
    }

    /** Runs {@code prompt} in a new session and answers with the ended prompt. */
    public Prompt query(String prompt) {
        return query(QueryRequest.of(prompt));
    }

    /**
     * {@code POST /query}: runs the prompt and answers with it once it ended ({@link
     * Prompt#terminal()}), or as it stands when the query timeout is reached or it waits for a
     * person's approval. Every request carries the same {@code Idempotency-Key}: a retry after a
     * lost connection, a {@code 503} or a {@code 429} (after its {@code Retry-After}) never runs the
     * prompt twice, and asking again while it still runs (the server answers {@code 202} after its
     * wait limit) just waits on.
     */
    public Prompt query(QueryRequest request) {
        var key = request.idempotencyKey() != null ? request.idempotencyKey() : newIdempotencyKey();
        var body = request.toJson().toString();
        var deadline = Instant.now().plus(queryTimeout);
        while (true) {
            var left = Duration.between(Instant.now(), deadline);
            long wait = Math.max(1, Math.min(left.toSeconds(), longestWait.toSeconds()));
            var call = Call.post("/query", body, true).header("Idempotency-Key", key)
                    .header("Prefer", "wait=" + wait).success(200, 202);
            var reply = transport.send(call);
            Prompt prompt = transport.read(reply.body(), Prompt.class);
            if (reply.status() == 200 || prompt.terminal() || "waiting_approval".equals(prompt.status())
                    || !Instant.now().isBefore(deadline)) {
                return prompt;
            }
        }
    }

    /**
     * {@code POST /query} with {@code Prefer: respond-async}: the prompt as soon as it is accepted
     * (follow it with {@link #events()} or {@link Sessions#prompt(UUID, UUID)}).
     */
    public Prompt start(QueryRequest request) {
        var key = request.idempotencyKey() != null ? request.idempotencyKey() : newIdempotencyKey();
        var call = Call.post("/query", request.toJson().toString(), true).header("Idempotency-Key", key)
                .header("Prefer", "respond-async").success(200, 202);
        return transport.send(call, Prompt.class);
    }

    /**
     * Runs a prompt and hands its events to {@code listener} as they happen (its answer token by
     * token: {@link Event#text()}), each once, whatever drops the stream survives; the future
     * completes with the prompt once it ended, or with the {@link RafikiException} that refused it.
     * The prompt's session is followed over SSE from before the prompt is sent, so no event is
     * missed; without a session in the request, one is created first.
     */
    public CompletableFuture<Prompt> stream(QueryRequest request, EventListener listener) {
        var session = request.sessionId() != null ? request.sessionId() : sessions.create().id();
        var result = new CompletableFuture<Prompt>();
        var follower = new PromptFollower(listener, result);
        var subscription = events.session(session).subscribe(follower);
        result.whenComplete((prompt, failure) -> subscription.close());
        try {
            subscription.started().get(30, TimeUnit.SECONDS);
            follower.follow(start(request.inSession(session)).id(),
                    promptId -> CompletableFuture.supplyAsync(() -> sessions.prompt(session, promptId)));
        } catch (RafikiException refused) {
            result.completeExceptionally(refused);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            result.completeExceptionally(e.getCause() instanceof RafikiException r ? r : new RafikiException(0,
                    "stream-failed", "Stream failed", "the event stream did not open: " + e, null, null, null, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * {@code GET /query_stream}: sends the prompt over a WebSocket and hands its events to {@code
     * listener} as they happen, each once, in order, across dropped connections, restarts and dead
     * nodes: once accepted the prompt is never sent again, the stream attaches to it after the
     * last event delivered. The returned stream decides its tool calls ({@link
     * QueryStream#decide(ApprovalDecision)}), cancels it, and completes {@link QueryStream#result()}
     * with the prompt once it ended.
     *
     * <pre>{@code
     * var answer = new StringBuilder();
     * var stream = rafiki.queryStream(QueryRequest.of("Write a haiku"), event -> {
     *     if (event.text() != null) {
     *         answer.append(event.text());                 // the answer, token by token
     *     }
     * });
     * Prompt prompt = stream.result().get(5, TimeUnit.MINUTES);
     * }</pre>
     *
     * Every request carries an {@code idempotency_key} (the request's, else one made for this call):
     * a prompt frame whose {@code accepted} answer was lost is sent again with it, and the server
     * answers with the prompt it took the first time.
     */
    public QueryStream queryStream(QueryRequest request, EventListener listener) {
        return queryStream(request, null, java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * {@link #queryStream(QueryRequest, EventListener)} for a {@link java.util.concurrent.Flow.Subscriber}:
     * events go out as it requests them, {@code onComplete} follows the prompt's last event, {@code
     * onError} a refusal.
     */
    public QueryStream queryStream(QueryRequest request, java.util.concurrent.Flow.Subscriber<? super Event> subscriber) {
        return queryStream(request, java.util.Objects.requireNonNull(subscriber, "subscriber"), null);
    }

    private QueryStream queryStream(QueryRequest request, java.util.concurrent.Flow.Subscriber<? super Event> subscriber,
                                    EventListener listener) {
        var key = request.idempotencyKey() != null ? request.idempotencyKey() : newIdempotencyKey();
        return events.query(request, key,
                (session, promptId) -> CompletableFuture.supplyAsync(() -> sessions.prompt(session, promptId)),
                subscriber, listener);
    }

    /** {@code GET /usage}: the caller's totals, today's spending and budgets. */
    public UserUsage usage() {
        return transport.send(Call.get("/usage"), UserUsage.class);
    }

    /** {@code GET /usage?from=&to=}: with what was spent from {@code from} to {@code to} (exclusive; null: through today). */
    public UserUsage usage(LocalDate from, LocalDate to) {
        return transport.send(Call.get("/usage").query("from", Objects.requireNonNull(from)).query("to", to),
                UserUsage.class);
    }

    /** Closes the event streams and, if the client made them itself, its Jakarta REST clients. */
    @Override
    public void close() {
        events.close();
        if (ownClient != null) {
            ownClient.close();
            ownStreamClient.close();
        }
    }

    static String newIdempotencyKey() {
        return "rafiki-client-" + UUID.randomUUID();
    }

    /** How to reach the server and how hard to try. */
    public static final class Builder {
        private final URI base;
        private Supplier<String> token = () -> null;
        private Client client;
        private RetryPolicy retries = RetryPolicy.defaults();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(90);
        private Duration queryTimeout = Duration.ofMinutes(10);
        private Duration streamInitialBackoff = Duration.ofMillis(200);
        private Duration streamMaxBackoff = Duration.ofSeconds(5);
        private Duration streamIdleTimeout = Duration.ofSeconds(45);
        private Transport.Sleeper sleeper = pause -> Thread.sleep(pause.toMillis());
        private java.util.function.Function<String, Frames.Connector> webSockets;

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** A bearer token (a JWT whose groups hold {@code user}). */
        public Builder token(String bearer) {
            Objects.requireNonNull(bearer, "token");
            this.token = () -> bearer;
            return this;
        }

        /** Asked before every request and every reconnection: hand out fresh tokens as they expire. */
        public Builder token(Supplier<String> supplier) {
            this.token = Objects.requireNonNull(supplier, "token");
            return this;
        }

        /**
         * The Jakarta REST client to use (a container's, say), which the caller configures and closes.
         * Give it a read timeout longer than the server's query wait (60 s) for calls; streams also
         * watch for silence themselves. Without one, the client builds and owns its own.
         */
        public Builder client(Client jaxrsClient) {
            this.client = jaxrsClient;
            return this;
        }

        public Builder retries(RetryPolicy policy) {
            this.retries = Objects.requireNonNull(policy);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long one request may wait for bytes (the client's own Jakarta REST client); at least 20 s. */
        public Builder readTimeout(Duration timeout) {
            if (timeout.toSeconds() < 20) {
                throw new IllegalArgumentException("the read timeout must leave room for the server's wait: at least 20 s");
            }
            this.readTimeout = timeout;
            return this;
        }

        /** How long {@link RafikiClient#query(QueryRequest)} waits for a prompt to end in all (10 minutes). */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = timeout;
            return this;
        }

        /** Streams: the pause before reconnecting grows from {@code initial} to {@code max} while the server is away. */
        public Builder streamBackoff(Duration initial, Duration max) {
            this.streamInitialBackoff = initial;
            this.streamMaxBackoff = max;
            return this;
        }

        /** Streams: a connection silent this long is taken for dead and made again (45 s; the server sends keep-alives every 15 s). */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = timeout;
            return this;
        }

        Builder sleeper(Transport.Sleeper pauses) {
            this.sleeper = pauses;
            return this;
        }

        Builder webSockets(java.util.function.Function<String, Frames.Connector> connectors) {
            this.webSockets = connectors;
            return this;
        }

        public RafikiClient build() {
            return new RafikiClient(this);
        }
    }
}
