package dev.rafiki.stream.boundary;

import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.edge.RateLimiter;
import dev.rafiki.platform.edge.RouteClass;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.json.ApiJson;
import dev.rafiki.platform.metrics.StreamConnections;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.prompt.boundary.ApprovalBodies;
import dev.rafiki.prompt.boundary.PromptRequests;
import dev.rafiki.prompt.boundary.PromptStarts;
import dev.rafiki.prompt.boundary.Prompts;
import dev.rafiki.prompt.control.PromptSettings;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.server.ServerEndpoint;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * {@code GET /query_stream}: send a prompt, receive its events live up to its terminal event.
 * Client frames: {@code {"prompt":…, "session_id":…, "busy":…, "model":…, "idempotency_key":…}},
 * {@code {"type":"attach","prompt_id":…,"after":n}} to follow a prompt again (e.g. after a
 * disconnect), {@code {"type":"cancel"}}, {@code {"type":"approval","tool_call_id":…,"decision":…}}
 * to decide a tool call the followed prompt waits for. A disconnect never cancels the prompt.
 */
@ServerEndpoint(value = "/query_stream", configurator = OriginCheck.class)
public class QueryStreamSocket extends StreamSocket {

    @Inject
    Prompts prompts;

    @Inject
    PromptStarts starts;

    @Inject
    PromptSettings promptSettings;

    @Inject
    RateLimiter limiter;

    private volatile Subscription following;
    private volatile UUID promptId;
    private volatile boolean starting;

    public QueryStreamSocket() {
        super(StreamConnections.QUERY_STREAM);
    }

    @Override
    String refusal(BearerTokens.Caller caller) {
        return caller.scoped() ? "a stream token can only subscribe, on /ws or /events" : null;
    }

    @Override
    void receive(JsonObject frame) {
        var type = frame.getString("type", frame.containsKey("prompt") ? "prompt" : "");
        switch (type) {
            case "prompt" -> prompt(frame);
            case "attach" -> attach(frame);
            case "cancel" -> cancel();
            case "approval" -> approval(frame);
            default -> sendError(ErrorCode.VALIDATION_FAILED, "type must be prompt, attach, cancel or approval");
        }
    }

    private void prompt(JsonObject frame) {
        requireIdle();
        // a prompt here costs what POST /query costs, so it draws on the same budget
        var allowance = limiter.take(RouteClass.QUERY, owner, null);
        if (!allowance.allowed()) {
            throw new ApiException(ErrorCode.RATE_LIMITED,
                    "too many prompts; retry in " + allowance.retryAfterSeconds() + " s",
                    Map.of("retry_after", allowance.retryAfterSeconds()));
        }
        var key = frame.getString("idempotency_key", null);
        var request = PromptRequests.parse(owner, frame, key, promptSettings.maxLength);
        starting = true;
        try {
            var handle = starts.start(request);
            handle.accepted().whenComplete((accepted, failure) -> {
                try {
                    if (failure != null) {
                        notAccepted(failure);
                        return;
                    }
                    // sent only once the prompt is committed; its events follow from the log
                    reply(Json.createObjectBuilder().add("type", "accepted")
                            .add("prompt_id", accepted.id().toString())
                            .add("session_id", accepted.sessionId().toString()).add("prompt_number", accepted.seq())
                            .add("status", accepted.status()));
                    long after = accepted.cursorBefore() >= 0 ? accepted.cursorBefore() : log.cursorBefore(accepted.id());
                    follow(accepted.sessionId(), accepted.id(), after, accepted.events());
                } catch (RuntimeException e) {
                    notAccepted(e);
                } finally {
                    starting = false;
                }
            });
        } catch (RuntimeException e) {
            starting = false;
            throw e;
        }
    }

    private void notAccepted(Throwable failure) {
        var cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiException e) {
            sendError(e);
        } else {
            sendError(ErrorCode.SERVICE_UNAVAILABLE, "the prompt could not be accepted now; retry");
        }
    }

    private void attach(JsonObject frame) {
        requireIdle();
        var text = frame.getString("prompt_id", null);
        if (text == null) {
            throw ApiException.invalid("'prompt_id' is required");
        }
        var id = promptId(text);
        var prompt = prompts.find(owner, id);
        long after = after(frame, () -> log.cursorBefore(id));
        follow(prompt.sessionId(), id, after, List.of());
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
            id = promptId(text);
        } else if (promptId != null) {
            id = promptId;
        } else {
            throw ApiException.invalid("no prompt is being followed: 'prompt_id' is required");
        }
        var prompt = prompts.find(owner, id);
        var record = ApprovalBodies.decide(prompts, owner, prompt.sessionId(), id, frame);
        reply(Json.createObjectBuilder().add("type", "approval")
                .add("approval", Json.createReader(new StringReader(ApiJson.JSONB.toJson(record))).readObject()));
    }

    /** A prompt id from a frame; one that is no id names no prompt of the caller's. */
    private static UUID promptId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("prompt " + text);
        }
    }

    private void requireIdle() {
        if (starting || following != null && !following.closed() && !following.ended()) {
            throw new ApiException(ErrorCode.SESSION_BUSY,
                    "this stream still follows prompt " + promptId + "; wait for its end or cancel it");
        }
    }

    private void follow(UUID sessionId, UUID id, long after, List<StoredEvent> known) {
        promptId = id;
        var subscription = new Feed(Subscription.Key.session(owner, sessionId), after, e -> id.equals(e.promptId()),
                "session", "attach prompt " + id) {
            @Override
            protected void finished(StoredEvent last) {
                leave();
            }

            // a prompt waiting for a person's decision may be quiet for long: proxies and clients must not take it for dead
            @Override
            protected void keepAlive() throws Exception {
                send("{\"type\":\"keep-alive\"}");
            }
        };
        following = subscription;
        // before the first event can go out: a client that answers the terminal event at once finds the stream free
        starting = false;
        hub.subscribe(subscription, after, known);
    }

    @Override
    void release() {
        var current = following;
        if (current != null) {
            hub.unsubscribe(current);
        }
    }
}
