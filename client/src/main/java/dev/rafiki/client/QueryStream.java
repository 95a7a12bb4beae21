package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;

/**
 * A prompt sent over {@code GET /query_stream} and followed there up to its end: its events reach
 * the listener each once, in order ({@code prompt.queued} or {@code .started}, {@code
 * message.delta}s, tool calls, {@code tool_call.approval_requested}, then {@code prompt.completed},
 * {@code .failed} or {@code .cancelled}); {@link #result()} completes with the prompt as it ended.
 *
 * <p>When the connection drops, it connects again by itself (backing off while the server is
 * away, as every stream does). Once the server has {@link #accepted() accepted} the prompt, the
 * prompt is never sent again: the new connection {@code attach}es to it after the cursor of the
 * last event delivered, and events the server repeats are dropped by their cursor. Before that,
 * the prompt frame is sent again with the same {@code idempotency_key} (the request's, else one
 * made per call), for which the server answers with the prompt it already took, if it took one:
 * the prompt runs once however often it is sent.
 *
 * <p>{@link #decide(ApprovalDecision)} and {@link #cancel()} go as frames over the open
 * connection (or the next one, while it is made again). Both are safe to repeat, so what was sent
 * on a connection that dropped before its answer is sent again on the next. Closing stops
 * following; it does not cancel the prompt, which runs on.
 */
public final class QueryStream implements EventSubscription {

    /**
     * The server took the prompt: it runs from now on, whatever happens to the connection.
     * {@code promptNumber}: the prompt's place in its session's order, as {@link Prompt#number()}.
     */
    public record Accepted(UUID promptId, UUID sessionId, long promptNumber, String status) {
    }

    private static final String CANCEL = Json.createObjectBuilder().add("type", "cancel").build().toString();

    /** A decision not answered yet, and who waits for the answer. */
    private record Pending(ApprovalDecision decision, CompletableFuture<Approval> answer) {
    }

    private final String promptFrame;
    private final Frames.Connector connector;
    private final Transport transport;
    private final BiFunction<UUID, UUID, CompletableFuture<Prompt>> read;
    private final CompletableFuture<Accepted> accepted = new CompletableFuture<>();
    private final CompletableFuture<Prompt> result = new CompletableFuture<>();
    /** Hears the events of the listener's kind, else null. */
    private PromptFollower follower;
    private final Object lock = new Object();
    private final List<Pending> pending = new ArrayList<>();
    private boolean cancelAsked;
    /** The connection that follows the prompt now, ready for control frames; null while there is none. */
    private Connection ready;
    private volatile UUID promptId;
    private volatile UUID sessionId;
    private volatile EventSubscription subscription;

    /**
     * @param read the prompt as it ended, by session and prompt id (once its last event was delivered)
     */
    QueryStream(QueryRequest request, String idempotencyKey, Frames.Connector connector, Transport transport,
                BiFunction<UUID, UUID, CompletableFuture<Prompt>> read) {
        this.promptFrame = Json.createObjectBuilder(request.toJson()).add("idempotency_key", idempotencyKey).build().toString();
        this.connector = connector;
        this.transport = transport;
        this.read = read;
        result.whenComplete((prompt, failure) -> ended(failure));
    }

    /** Starts following through {@code started}, which this stream's {@link #open} feeds and {@link #follower} hears. */
    void attach(EventSubscription started) {
        subscription = started;
        // closed by the caller or the client: the prompt's end will not be seen here. (Refused for
        // good, the follower ends the result, once the caller's listener has heard why.)
        started.done().whenComplete((closed, failure) -> {
            if (failure == null) {
                result.completeExceptionally(ended("the stream was closed before the prompt ended"));
            }
        });
        if (result.isDone()) {
            started.close();
        }
    }

    /** What the subscription hands the events to, for {@code listener}. */
    EventListener following(EventListener listener) {
        follower = new PromptFollower(listener, result);
        return follower;
    }

    /** What the subscription hands the events to, for {@code subscriber}. */
    Flow.Subscriber<Event> following(Flow.Subscriber<? super Event> subscriber) {
        return new Ending(subscriber);
    }

    /** Completes once the server took the prompt; exceptionally when it refused it. */
    public CompletableFuture<Accepted> accepted() {
        return accepted;
    }

    /**
     * Completes with the prompt once it ended (its last event delivered first), or with the {@link
     * RafikiException} that refused it or the stream.
     */
    public CompletableFuture<Prompt> result() {
        return result;
    }

    /**
     * Decides a tool call the prompt waits for (a {@code tool_call.approval_requested} event);
     * completes with the approval as decided, or with the refusal ({@code 409 approval-decided}
     * when it was decided otherwise, {@code 404} for a call it never waited for).
     */
    public CompletableFuture<Approval> decide(ApprovalDecision decision) {
        var waiting = new Pending(decision, new CompletableFuture<>());
        synchronized (lock) {
            if (result.isDone()) {
                waiting.answer().completeExceptionally(ended("the prompt stream has ended"));
                return waiting.answer();
            }
            pending.add(waiting);
            if (ready != null) {
                ready.send(waiting);
            }
        }
        return waiting.answer();
    }

    /** Cancels the prompt, queued or running; it ends with {@code prompt.cancelled} (if it had not ended). */
    public void cancel() {
        synchronized (lock) {
            cancelAsked = true;
            if (ready != null) {
                ready.frames.send(CANCEL);
            }
        }
    }

    @Override
    public long cursor() {
        return subscription.cursor();
    }

    @Override
    public int reconnects() {
        return subscription.reconnects();
    }

    @Override
    public CompletableFuture<Long> started() {
        return subscription.started();
    }

    @Override
    public CompletableFuture<Void> done() {
        return subscription.done();
    }

    /** Stops following; the prompt runs on. */
    @Override
    public void close() {
        subscription.close();
    }

    /** One connection: the prompt (again) until it is accepted, afterwards an {@code attach} after {@code cursor}. */
    Feed open(Long cursor, Runnable activity) throws IOException {
        var connection = new Connection(connector.connect(activity));
        var id = promptId;
        if (id == null) {
            connection.frames.send(promptFrame);
        } else {
            var attach = Json.createObjectBuilder().add("type", "attach").add("prompt_id", id.toString());
            if (cursor != null) {
                attach.add("after", cursor);
            }
            connection.frames.send(attach.build().toString());
            follows(connection);
        }
        return connection;
    }

    private void accepted(JsonObject frame, Connection connection) {
        var id = UUID.fromString(frame.getString("prompt_id"));
        var session = UUID.fromString(frame.getString("session_id"));
        promptId = id;
        sessionId = session;
        if (follower != null) {
            follower.follow(id, prompt -> read.apply(session, prompt));
        }
        accepted.complete(new Accepted(id, session, frame.containsKey("prompt_number")
                ? frame.getJsonNumber("prompt_number").longValue() : 0, frame.getString("status", null)));
        follows(connection);
    }

    /** The connection follows the prompt: what the caller asked for and got no answer to goes (again). */
    private void follows(Connection connection) {
        synchronized (lock) {
            ready = connection;
            pending.forEach(connection::send);
            if (cancelAsked) {
                connection.frames.send(CANCEL);
            }
        }
    }

    private void approved(Connection connection, JsonObject frame) {
        var answered = connection.answered();
        if (answered != null) {
            answered.answer().complete(transport.read(frame.getJsonObject("approval").toString(), Approval.class));
        }
    }

    /**
     * An {@code error} frame. Before the prompt is accepted it is the prompt's refusal (the stream
     * retries {@code 429} and {@code 503} with the same key and ends on the others). Afterwards the
     * server answers frames in the order they came, and only a decision is ever refused for itself
     * (an {@code attach} or {@code cancel} of the caller's own prompt fails only while the server
     * is unwell, {@code 503}): such a failure drops the connection, and the next one sends all again.
     */
    private void refused(Connection connection, RafikiException problem) {
        if (promptId == null || problem.status() == 503) {
            throw problem;
        }
        var answered = connection.answered();
        if (answered == null) {
            throw problem;
        }
        answered.answer().completeExceptionally(problem);
    }

    private void ended(Throwable failure) {
        List<Pending> unanswered;
        synchronized (lock) {
            ready = null;
            unanswered = List.copyOf(pending);
            pending.clear();
        }
        var cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause != null) {
            accepted.completeExceptionally(cause);
        }
        unanswered.forEach(p -> p.answer().completeExceptionally(ended("the prompt ended before the decision was answered")));
        var started = subscription;
        if (started != null) {
            started.close();
        }
    }

    private static RafikiException ended(String detail) {
        return new RafikiException(0, "stream-ended", "Stream ended", detail, null, null, null, null);
    }

    private void finish(Prompt prompt, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure);
        } else {
            result.complete(prompt);
        }
    }

    /**
     * A subscriber with its own demand, which hears {@code onComplete} once the prompt's last event
     * went out. (The server sends this prompt's events only: nothing to pick out here.)
     */
    private final class Ending implements Flow.Subscriber<Event> {

        private final Flow.Subscriber<? super Event> downstream;

        Ending(Flow.Subscriber<? super Event> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(Event event) {
            downstream.onNext(event);
            if (event.endsPrompt()) {
                downstream.onComplete();
                read.apply(sessionId, promptId).whenComplete(QueryStream.this::finish);
            }
        }

        @Override
        public void onError(Throwable failure) {
            // the listener first: whoever waits on the result may count on it having heard
            try {
                downstream.onError(failure);
            } finally {
                result.completeExceptionally(failure);
            }
        }

        @Override
        public void onComplete() {
            // the subscription never completes by itself: the prompt's last event does
        }
    }

    /** One connection's frames; the decisions sent on it wait for their answers in order. */
    private final class Connection implements Feed {

        final Frames frames;
        private final Deque<Pending> sent = new ArrayDeque<>();

        Connection(Frames frames) {
            this.frames = frames;
        }

        /** Under the stream's lock: sends a decision about the followed prompt. */
        void send(Pending decision) {
            sent.add(decision);
            frames.send(Json.createObjectBuilder(decision.decision().toJson()).add("type", "approval")
                    .add("prompt_id", promptId.toString()).build().toString());
        }

        /** The oldest decision sent here, which the frame just read answers; no longer pending. */
        Pending answered() {
            synchronized (lock) {
                var oldest = sent.poll();
                if (oldest != null) {
                    pending.remove(oldest);
                }
                return oldest;
            }
        }

        @Override
        public Item next() throws IOException {
            while (true) {
                var frame = frames.next();
                if (frame == null) {
                    return null;
                }
                switch (frame.getString("type", "")) {
                    case "accepted" -> accepted(frame, this);
                    case "approval" -> approved(this, frame);
                    case "error" -> refused(this, WebSocketConnection.problem(frame));
                    default -> {
                        if (frame.containsKey("stream")) {
                            return WebSocketFeed.event(frame);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (ready == this) {
                    ready = null;
                }
            }
            frames.close();
        }
    }
}
