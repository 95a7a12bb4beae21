package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.EventHub;
import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.boundary.Prompts;
import dev.rafiki.prompt.boundary.PromptRequests;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /query_stream}: send a prompt, receive its events live up to its terminal event.
 * Client frames: {@code {"prompt":…, "session_id":…, "busy":…, "model":…, "idempotency_key":…}},
 * {@code {"type":"attach","prompt_id":…,"after":n}} to follow a prompt again (e.g. after a
 * disconnect), {@code {"type":"cancel"}}, {@code {"type":"approval","tool_call_id":…,"decision":…}}
 * to decide a tool call the followed prompt waits for. A disconnect never cancels the prompt.
 */
@ServerEndpoint(value = "/query_stream", configurator = OriginCheck.class)
public class QueryStreamSocket {

    @Inject
    Prompts prompts;

    @Inject
    EventHub hub;

    @Inject
    dev.rafiki.platform.http.BearerTokens tokens;

    @Inject
    dev.rafiki.platform.http.JsonInput json;

    @Inject
    EventLog log;

    @Inject
    @ConfigProperty(name = "rafiki.prompt.max-length", defaultValue = "100000")
    int maxPromptLength;

    @Inject
    @ConfigProperty(name = "rafiki.events.subscriber-buffer", defaultValue = "1000")
    int buffer;

    @Inject
    StreamConnections connections;

    @Inject
    dev.rafiki.platform.edge.OpenStreams streams;

    @Inject
    dev.rafiki.platform.edge.RateLimiter limiter;

    private String owner;
    private boolean counted;
    private SocketSender sender;
    private java.util.function.BooleanSupplier metered;
    private volatile Subscription following;
    private volatile UUID promptId;
    private volatile boolean starting;

    @OnOpen
    public void open(Session session) {
        var caller = SocketSupport.caller(session, tokens);
        if (caller == null) {
            SocketSupport.close(session, SocketSupport.UNAUTHORIZED, "a valid bearer token is required");
            return;
        }
        if (caller.scoped()) {
            SocketSupport.close(session, SocketSupport.FORBIDDEN, "a stream token can only subscribe, on /ws or /events");
            return;
        }
        if (!streams.open(caller.subject())) {
            SocketSupport.close(session, SocketSupport.TOO_MANY_STREAMS, "at most " + streams.maxPerUser() + " open streams per user");
            return;
        }
        counted = true;
        owner = caller.subject();
        sender = new SocketSender(session);
        metered = connections.opened(StreamConnections.QUERY_STREAM, session::isOpen);
    }

    @OnMessage
    public void message(Session session, String text) {
        if (sender == null) {
            return; // refused at open, closing
        }
        var frame = SocketSupport.frame(json, text, sender);
        if (frame == null) {
            return;
        }
        try {
            var type = frame.getString("type", frame.containsKey("prompt") ? "prompt" : "");
            switch (type) {
                case "prompt" -> prompt(session, frame);
                case "attach" -> attach(session, frame);
                case "cancel" -> cancel();
                case "approval" -> approval(frame);
                default -> sender.trySend(SocketSupport.error(ErrorCode.VALIDATION_FAILED,
                        "type must be prompt, attach, cancel or approval"));
            }
        } catch (ApiException e) {
            sender.trySend(SocketSupport.error(e));
        } catch (ClassCastException e) {
            sender.trySend(SocketSupport.error(ErrorCode.VALIDATION_FAILED, "a field has the wrong type"));
        }
    }

    private void prompt(Session session, JsonObject frame) {
        requireIdle();
        // a prompt here costs what POST /query costs, so it draws on the same budget
        var allowance = limiter.take(dev.rafiki.platform.edge.RouteClass.QUERY, owner, null);
        if (!allowance.allowed()) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.RATE_LIMITED,
                    "too many prompts; retry in " + allowance.retryAfterSeconds() + " s",
                    java.util.Map.of("retry_after", allowance.retryAfterSeconds()));
        }
        var key = frame.getString("idempotency_key", null);
        var request = PromptRequests.parse(owner, frame, key, maxPromptLength);
        starting = true;
        try {
            var handle = prompts.start(request);
            handle.accepted().whenComplete((accepted, failure) -> {
                try {
                    if (failure != null) {
                        sendError(failure);
                        return;
                    }
                    // sent only once the prompt is committed; its events follow from the log
                    sender.trySend(Json.createObjectBuilder().add("type", "accepted")
                            .add("prompt_id", accepted.id().toString())
                            .add("session_id", accepted.sessionId().toString()).add("prompt_seq", accepted.seq())
                            .add("status", accepted.status()).build().toString());
                    long after = accepted.cursorBefore() >= 0 ? accepted.cursorBefore() : log.cursorBefore(accepted.id());
                    follow(session, accepted.sessionId(), accepted.id(), after, accepted.events());
                } catch (RuntimeException e) {
                    sendError(e);
                } finally {
                    starting = false;
                }
            });
        } catch (RuntimeException e) {
            starting = false;
            throw e;
        }
    }

    private void sendError(Throwable failure) {
        var cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiException e) {
            sender.trySend(SocketSupport.error(e));
        } else {
            sender.trySend(SocketSupport.error(ErrorCode.SERVICE_UNAVAILABLE,
                    "the prompt could not be accepted now; retry"));
        }
    }


    private void attach(Session session, JsonObject frame) {
        requireIdle();
        var text = frame.getString("prompt_id", null);
        if (text == null) {
            throw ApiException.invalid("'prompt_id' is required");
        }
        UUID id;
        try {
            id = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("prompt " + text);
        }
        var prompt = prompts.find(owner, id);
        long after = frame.get("after") instanceof JsonNumber n ? n.longValue() : log.cursorBefore(id);
        follow(session, prompt.sessionId(), id, after, java.util.List.of());
    }

    private void cancel() {
        var current = promptId;
        if (current == null) {
            throw ApiException.invalid("no prompt is being followed");
        }
        prompts.cancel(owner, current);
    }

    /**
     * A decision on a tool call of the followed prompt (or the one {@code prompt_id} names); the
     * record comes back as an {@code approval} frame, the event follows on the stream.
     */
    private void approval(JsonObject frame) {
        var text = frame.getString("prompt_id", null);
        UUID id;
        if (text != null) {
            try {
                id = UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                throw ApiException.notFound("prompt " + text);
            }
        } else if (promptId != null) {
            id = promptId;
        } else {
            throw ApiException.invalid("no prompt is being followed: 'prompt_id' is required");
        }
        var prompt = prompts.find(owner, id);
        var record = dev.rafiki.prompt.boundary.ApprovalBodies.decide(prompts, owner, prompt.sessionId(), id, frame);
        sender.trySend(Json.createObjectBuilder().add("type", "approval")
                .add("approval", Json.createReader(new java.io.StringReader(
                        dev.rafiki.platform.json.ApiJson.JSONB.toJson(record))).readObject())
                .build().toString());
    }

    private void requireIdle() {
        if (starting || following != null && !following.closed() && !following.ended()) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.SESSION_BUSY,
                    "this stream still follows prompt " + promptId + "; wait for its end or cancel it");
        }
    }

    private void follow(Session session, UUID sessionId, UUID id, long after, java.util.List<StoredEvent> known) {
        promptId = id;
        var subscription = new Subscription(Subscription.Key.session(owner, sessionId), after, buffer,
                e -> id.equals(e.promptId())) {
            @Override
            protected void transmit(StoredEvent event) throws Exception {
                sender.send(SocketSupport.eventFrame(event, "session"));
            }

            @Override
            protected void overflowed(long resumeAfter) {
                SocketSupport.close(session, SocketSupport.SLOW_CONSUMER,
                        "slow consumer: attach prompt " + id + " after " + resumeAfter);
            }

            @Override
            protected void finished(StoredEvent last) {
                hub.unsubscribe(this);
            }
        };
        following = subscription;
        // before the first event can go out: a client that answers the terminal event at once finds the stream free
        starting = false;
        hub.subscribe(subscription, after, known);
    }

    @OnClose
    public synchronized void close() {
        connections.closed(StreamConnections.QUERY_STREAM, metered);
        var current = following;
        if (current != null) {
            hub.unsubscribe(current);
        }
        if (counted) {
            counted = false;
            streams.close(owner);
        }
    }

    @OnError
    public void error(Throwable failure) {
        close();
    }
}
