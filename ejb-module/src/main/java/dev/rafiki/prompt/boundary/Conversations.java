package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.entity.Message;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.session.boundary.Sessions;
import dev.rafiki.session.boundary.Views.MessageView;
import dev.rafiki.session.boundary.Views.Page;
import dev.rafiki.session.boundary.Views.QueueEntry;
import dev.rafiki.session.boundary.Views.QueueView;
import dev.rafiki.session.boundary.Views.SessionView;
import dev.rafiki.session.entity.AgentSession;
import dev.rafiki.workspace.control.Workspaces;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A session's conversation as its owner reads it: the history, the queue, and forks (a new
 * session with another one's history up to a message and a copy of its workspace). A fork is
 * made only while the source has no prompt pending, with the source's row locked, so no prompt of
 * it runs during the copy.
 */
@Stateless
public class Conversations {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    Sessions sessions;

    @Inject
    Workspaces workspaces;

    /**
     * A new session with the history of {@code sourceId} up to and including message
     * {@code atMessageId} (null: all of it) and a copy of its workspace, so the conversation can
     * go on differently from there. The prompts before the one holding that message are copied
     * whole; that one keeps its messages up to the cut, and if it had more it is copied as
     * {@code cancelled} without its answer (so, as any cancelled prompt, the model sees it only if
     * it kept an assistant message). The fork keeps the source's model and agent; its title and
     * metadata are the given ones, else the source's; its usage starts at zero (copied prompts
     * show what they cost in the source). Events, approvals and artifacts are not copied.
     *
     * @throws ApiException {@code session-busy} while the source has a prompt queued, running or
     *                      waiting for approval: its history and files would change under the copy
     */
    public SessionView fork(String owner, UUID sourceId, Long atMessageId, String title, JsonObject metadata) {
        var source = sessions.owned(owner, sourceId);
        // prompt intake and the worker's claim update this row: locked, no prompt starts while we copy
        em.createNativeQuery("SELECT 1 FROM agent_session WHERE id = ?1 FOR UPDATE").setParameter(1, sourceId)
                .getResultList();
        if (!pending(sourceId).isEmpty()) {
            throw new ApiException(dev.rafiki.platform.problem.ErrorCode.SESSION_BUSY, "session " + sourceId
                    + " has a prompt queued, running or waiting for approval; fork it once it is idle, or stop it first");
        }
        Long cut;
        long lastSeq;
        if (atMessageId == null) {
            cut = em.createQuery("SELECT max(m.id) FROM Message m WHERE m.sessionId = :session", Long.class)
                    .setParameter("session", sourceId).getSingleResult();
            lastSeq = Long.MAX_VALUE;
        } else {
            var message = em.find(Message.class, atMessageId);
            if (message == null || !message.sessionId.equals(sourceId)) {
                throw ApiException.notFound("message " + atMessageId + " of session " + sourceId);
            }
            refuseUnansweredCalls(message);
            cut = message.id;
            lastSeq = em.find(Prompt.class, message.promptId).seq;
        }
        var fork = AgentSession.create(owner, title != null ? title : source.title, source.model,
                metadata != null ? metadata.toString() : source.metadata);
        fork.agentId = source.agentId;
        fork.agentVersion = source.agentVersion;
        fork.forkedFromSession = sourceId;
        fork.forkedFromMessage = cut;
        em.persist(fork);
        em.flush();
        long upTo = cut == null ? Long.MAX_VALUE : cut;
        em.createNativeQuery("""
                        WITH src AS (
                          SELECT p.id AS old_id, gen_random_uuid() AS new_id,
                                 EXISTS (SELECT 1 FROM message x WHERE x.prompt_id = p.id AND x.id > ?3) AS cut_short
                          FROM prompt p WHERE p.session_id = ?1 AND p.seq <= ?4),
                        copied AS (
                          INSERT INTO prompt (id, session_id, seq, owner, content, status, answer, error_code, error_message,
                            attempts, input_tokens, output_tokens, created_at, started_at, finished_at, model, tool_calls,
                            tool_millis, steps, agent_id, agent_version, output_schema, structured, metadata)
                          SELECT s.new_id, ?2, p.seq, p.owner, p.content,
                            CASE WHEN s.cut_short THEN 'cancelled' ELSE p.status END,
                            CASE WHEN s.cut_short THEN NULL ELSE p.answer END,
                            CASE WHEN s.cut_short THEN NULL ELSE p.error_code END,
                            CASE WHEN s.cut_short THEN NULL ELSE p.error_message END,
                            p.attempts, p.input_tokens, p.output_tokens, p.created_at, p.started_at, p.finished_at, p.model,
                            p.tool_calls, p.tool_millis, p.steps, p.agent_id, p.agent_version, p.output_schema,
                            p.structured AND NOT s.cut_short, p.metadata
                          FROM src s JOIN prompt p ON p.id = s.old_id)
                        INSERT INTO message (session_id, prompt_id, role, content, tool_calls, tool_call_id, is_error,
                          partial, created_at)
                        SELECT ?2, s.new_id, m.role, m.content, m.tool_calls, m.tool_call_id, m.is_error, m.partial, m.created_at
                        FROM message m JOIN src s ON s.old_id = m.prompt_id WHERE m.id <= ?3 ORDER BY m.id""")
                .setParameter(1, sourceId)
                .setParameter(2, fork.id)
                .setParameter(3, upTo)
                .setParameter(4, lastSeq)
                .executeUpdate();
        em.createNativeQuery("""
                        UPDATE agent_session SET
                          next_seq = (SELECT coalesce(max(seq), 0) FROM prompt WHERE session_id = ?1),
                          prompt_count = (SELECT count(*) FROM prompt WHERE session_id = ?1),
                          message_count = (SELECT count(*) FROM message WHERE session_id = ?1)
                        WHERE id = ?1""")
                .setParameter(1, fork.id)
                .executeUpdate();
        em.refresh(fork);
        workspaces.copy(sourceId, fork.id);
        return sessions.get(owner, fork.id);
    }

    /** Providers refuse a tool call without its result: a fork may not end between the two. */
    private void refuseUnansweredCalls(Message cut) {
        var calls = new java.util.HashSet<String>();
        for (var message : em.createQuery("SELECT m FROM Message m WHERE m.promptId = :prompt AND m.id <= :cut ORDER BY m.id",
                        Message.class)
                .setParameter("prompt", cut.promptId)
                .setParameter("cut", cut.id)
                .getResultList()) {
            if (message.toolCalls != null) {
                Json.createReader(new StringReader(message.toolCalls)).readArray()
                        .forEach(call -> calls.add(call.asJsonObject().getString("id")));
            }
            if (message.toolCallId != null) {
                calls.remove(message.toolCallId);
            }
        }
        if (!calls.isEmpty()) {
            throw ApiException.invalid("'at_message_id' " + cut.id + " falls between a tool call and its result ("
                    + String.join(", ", new java.util.TreeSet<>(calls)) + "); fork at the last result of that turn");
        }
    }

    /** A page of the history after a message id, or before it when reading from the latest back. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Page<MessageView> messages(String owner, UUID sessionId, long after, boolean latestFirst, int limit) {
        sessions.owned(owner, sessionId);
        var rows = em.createQuery(latestFirst
                                ? "SELECT m FROM Message m WHERE m.sessionId = :session AND m.id < :after ORDER BY m.id DESC"
                                : "SELECT m FROM Message m WHERE m.sessionId = :session AND m.id > :after ORDER BY m.id",
                        Message.class)
                .setParameter("session", sessionId)
                .setParameter("after", after)
                .setMaxResults(limit + 1)
                .getResultList();
        var items = rows.stream().limit(limit)
                .map(m -> new MessageView(m.id, m.promptId, m.role, m.content, m.partial,
                        m.toolCalls == null ? null : Json.createReader(new StringReader(m.toolCalls)).readArray(),
                        m.toolCallId, "tool".equals(m.role) ? m.error : null, m.createdAt))
                .toList();
        return new Page<>(items, rows.size() > limit ? Long.toString(items.get(items.size() - 1).id()) : null);
    }

    /** The running prompt and the queued ones, next first ({@code lastFirst}: the last queued first). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public QueueView queue(String owner, UUID sessionId, boolean lastFirst) {
        sessions.owned(owner, sessionId);
        var pending = pending(sessionId);
        UUID running = null;
        var queued = new ArrayList<QueueEntry>();
        for (var prompt : pending) {
            if (PromptStatus.IN_FLIGHT.contains(prompt.status)) {
                running = prompt.id;
            } else {
                queued.add(new QueueEntry(queued.size() + 1, prompt.id, prompt.content, prompt.createdAt));
            }
        }
        if (lastFirst) {
            java.util.Collections.reverse(queued);
        }
        return new QueueView(sessionId, running, queued);
    }

    /** The session's active prompts: queued, running and waiting for an approval (which holds the session like a running one). */
    private List<Prompt> pending(UUID sessionId) {
        return em.createQuery("SELECT p FROM Prompt p WHERE p.sessionId = :session AND p.status IN "
                        + PromptStatus.ACTIVE_JPQL + " ORDER BY p.seq", Prompt.class)
                .setParameter("session", sessionId)
                .getResultList();
    }

}
