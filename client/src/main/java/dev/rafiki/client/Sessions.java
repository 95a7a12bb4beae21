package dev.rafiki.client;

import dev.rafiki.client.Transport.Call;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterators;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** A caller's sessions: {@code /session}, {@code /sessions} and what hangs below them. */
public final class Sessions {

    private final Transport transport;

    Sessions(Transport transport) {
        this.transport = transport;
    }

    /**
     * {@code POST /session}. Tried again only when the connection was refused (no key makes a
     * create idempotent): a lost answer is a {@link RafikiException} with status 0.
     */
    public Session create(NewSession session) {
        return transport.send(Call.post("/session", session.toJson().toString(), false).success(201), Session.class);
    }

    public Session create() {
        return create(NewSession.empty());
    }

    public Session get(UUID id) {
        return transport.send(Call.get(path(id)), Session.class);
    }

    /**
     * {@code POST /session/{id}/fork}: a new session with this one's history up to the request's
     * message and a copy of its workspace; it shows {@link Session#forkedFrom()}. {@code 409
     * session-busy} while the source has a prompt under way. Like a create, tried again only when
     * the connection was refused: a retry after a lost answer could fork twice.
     */
    public Session fork(UUID id, ForkRequest fork) {
        return transport.send(Call.post(path(id) + "/fork", fork.toJson().toString(), false).success(201), Session.class);
    }

    /** One page of {@code GET /sessions}, newest first unless {@code options} say otherwise. */
    public Page<Session> list(SessionFilter filter, ListOptions options) {
        var call = options.applyTo(filter.applyTo(Call.get("/sessions")));
        return transport.send(call, Transport.pageOf(Session.class));
    }

    /** Every session the filter keeps, read page by page as the stream is consumed. */
    public Stream<Session> stream(SessionFilter filter) {
        return pages(cursor -> list(filter, ListOptions.limit(200).after(cursor)));
    }

    /** {@code PATCH /session/{id}}: the session as changed. */
    public Session update(UUID id, SessionChanges changes) {
        return transport.send(Call.method("PATCH", path(id), changes.toJson().toString(), true), Session.class);
    }

    /** {@code DELETE /session/{id}}, with everything in it; a retry that finds it gone is done too. */
    public void delete(UUID id) {
        transport.send(Call.method("DELETE", path(id), null, true).success(204).successOnRetry(404));
    }

    /** One page of the session's history, oldest first unless {@code options} say otherwise. */
    public Page<Message> messages(UUID id, ListOptions options) {
        return transport.send(options.applyTo(Call.get(path(id) + "/messages")), Transport.pageOf(Message.class));
    }

    /** The whole history, in order. */
    public List<Message> messages(UUID id) {
        return pages(cursor -> messages(id, ListOptions.limit(200).after(cursor))).toList();
    }

    public SessionQueue queue(UUID id) {
        return transport.send(Call.get(path(id) + "/queue"), SessionQueue.class);
    }

    /**
     * {@code GET /session/{id}/queue}, with {@code lastFirst} the last queued prompt first ({@code
     * order=desc}); each keeps its {@code position} either way. The queue is bounded, not paged.
     */
    public SessionQueue queue(UUID id, boolean lastFirst) {
        return transport.send(Call.get(path(id) + "/queue").query("order", lastFirst ? "desc" : "asc"), SessionQueue.class);
    }

    /** {@code DELETE /session/{id}/queue/{prompt}}: the prompt, now cancelled ({@code 409} once it runs). */
    public Prompt dequeue(UUID sessionId, UUID promptId) {
        return transport.send(Call.method("DELETE", path(sessionId) + "/queue/" + promptId, null, true), Prompt.class);
    }

    /** {@code GET /session/{id}/prompts/{p}}. */
    public Prompt prompt(UUID sessionId, UUID promptId) {
        return transport.send(Call.get(path(sessionId) + "/prompts/" + promptId), Prompt.class);
    }

    /** {@code POST /session/{id}/stop}: cancels the running prompt, and with {@code clearQueue} the queued ones. Safe to repeat. */
    public StopResult stop(UUID id, boolean clearQueue) {
        var call = Call.post(path(id) + "/stop", null, true).query("clear_queue", clearQueue ? "true" : null);
        return transport.send(call, StopResult.class);
    }

    /**
     * {@code POST /session/{id}/prompts/{p}/approvals}: decides a tool call the prompt waits for;
     * the approval as decided. Deciding the same way again answers the same record; otherwise
     * {@code 409 approval-decided}.
     */
    public Approval decide(UUID sessionId, UUID promptId, ApprovalDecision decision) {
        var call = Call.post(path(sessionId) + "/prompts/" + promptId + "/approvals", decision.toJson().toString(), true);
        return transport.send(call, Approval.class);
    }

    /**
     * {@code POST /session/{id}/stream-token}: a short-lived token that can only follow this
     * session (as {@code access_token} on {@code /events}, {@code /ws}), to hand to a browser.
     */
    public StreamToken streamToken(UUID id) {
        return transport.send(Call.post(path(id) + "/stream-token", null, true), StreamToken.class);
    }

    /** A page of the session's stored events after {@code after} ({@code GET /session/{id}/events}). */
    public Page<Event> events(UUID id, long after, Integer limit) {
        var body = transport.send(Call.get(path(id) + "/events").query("after", after).query("limit", limit)).body();
        JsonObject page;
        try (var reader = Json.createReader(new StringReader(body))) {
            page = reader.readObject();
        }
        var items = new ArrayList<Event>();
        for (var item : page.getJsonArray("items")) {
            var event = item.asJsonObject();
            items.add(Event.parse(event.toString(), event.getJsonNumber("seq").longValue()));
        }
        return new Page<>(items, page.getString("next_cursor", null));
    }

    private static String path(UUID id) {
        return "/session/" + id;
    }

    /** The items of every page, each page read when the one before it is used up. */
    static <T> Stream<T> pages(Function<String, Page<T>> read) {
        var iterator = new java.util.Iterator<T>() {
            Page<T> page = read.apply(null);
            int next;

            @Override
            public boolean hasNext() {
                while (next >= page.items().size()) {
                    if (page.nextCursor() == null) {
                        return false;
                    }
                    page = read.apply(page.nextCursor());
                    next = 0;
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return page.items().get(next++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, java.util.Spliterator.ORDERED), false);
    }
}
