package dev.rafiki.session.boundary;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.entity.Message;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.session.boundary.Views.MessageView;
import dev.rafiki.session.boundary.Views.Page;
import dev.rafiki.session.boundary.Views.QueueEntry;
import dev.rafiki.session.boundary.Views.QueueView;
import dev.rafiki.session.boundary.Views.SessionView;
import dev.rafiki.session.boundary.Views.Usage;
import dev.rafiki.session.entity.AgentSession;
import jakarta.ejb.Stateless;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sessions as their owner sees them. A session of another user is reported exactly like a
 * missing one, so ids cannot be probed.
 */
@Stateless
public class Sessions {

    public static final String DEFAULT_MODEL = "echo";

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @jakarta.inject.Inject
    dev.rafiki.agent.control.ModelCatalog models;

    @jakarta.inject.Inject
    dev.rafiki.workspace.control.Workspaces workspaces;

    @jakarta.inject.Inject
    dev.rafiki.budget.control.UsageCounters counters;

    @jakarta.inject.Inject
    dev.rafiki.budget.boundary.Budgets budgets;

    @jakarta.inject.Inject
    dev.rafiki.profile.boundary.AgentProfiles profiles;

    /**
     * @param agent        a profile (id or name) the session runs with, pinned to its latest version
     *                     unless {@code agentVersion} names another; null for none
     */
    public SessionView create(String owner, String title, String model, String agent, Integer agentVersion,
                              JsonObject metadata) {
        var pin = agent == null ? null
                : agentVersion == null ? profiles.resolve(owner, agent) : profiles.resolve(owner, agent, agentVersion);
        if (model == null && pin != null) {
            model = pin.model();
        }
        if (model != null && models.resolve(model) == null) {
            throw ApiException.invalid("unknown model '" + model + "'; use " + models.describe());
        }
        var session = AgentSession.create(owner, title, model == null ? DEFAULT_MODEL : model,
                metadata == null ? null : metadata.toString());
        if (pin != null) {
            session.agentId = pin.id();
            session.agentVersion = pin.version();
        }
        em.persist(session);
        return view(session);
    }

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
        var source = owned(owner, sourceId);
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
        return view(fork);
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

    /** The caller's session, or 404. */
    public AgentSession owned(String owner, UUID id) {
        var session = em.find(AgentSession.class, id);
        if (session == null || !session.owner.equals(owner)) {
            throw ApiException.notFound("session " + id);
        }
        return session;
    }

    /** The session a caller may read: their own; for an administrator, anyone's. Else 404, as a missing one. */
    public AgentSession readable(String caller, boolean admin, UUID id) {
        var session = em.find(AgentSession.class, id);
        if (session == null || !(admin || session.owner.equals(caller))) {
            throw ApiException.notFound("session " + id);
        }
        return session;
    }

    /** For administrators, who may read every session: whose it is, if it exists. */
    public java.util.Optional<String> ownerOf(UUID id) {
        return java.util.Optional.ofNullable(em.find(AgentSession.class, id)).map(session -> session.owner);
    }

    public SessionView get(String owner, UUID id) {
        return view(owned(owner, id));
    }

    public void delete(String owner, UUID id) {
        em.remove(owned(owner, id));
        em.flush();
        workspaces.delete(id);
    }

    /** @param window the days to add up as well (from the budget counters, like today's); null: none */
    public Views.UserUsage usage(String owner, dev.rafiki.budget.control.UsageWindow window) {
        var row = (Object[]) em.createNativeQuery("""
                        SELECT count(*), coalesce(sum(prompt_count), 0), coalesce(sum(input_tokens), 0),
                        coalesce(sum(output_tokens), 0), coalesce(sum(tool_calls), 0), coalesce(sum(tool_millis), 0)
                        FROM agent_session WHERE owner = ?1""")
                .setParameter(1, owner)
                .getSingleResult();
        var day = dev.rafiki.budget.control.BudgetWindow.day(java.time.Instant.now());
        var user = dev.rafiki.budget.control.UsageCounters.Subject.user(owner);
        var today = counters.read(user, day, day.plusDays(1));
        Views.WindowUsage inWindow = null;
        if (window != null) {
            var spent = counters.read(user, window.from(), window.to());
            inWindow = new Views.WindowUsage(window.fromInstant(), window.toInstant(), usage(spent));
        }
        return new Views.UserUsage(number(row[0]), number(row[1]),
                Usage.of(number(row[2]), number(row[3]), number(row[4]), number(row[5])), usage(today),
                budgets.standings(owner), inWindow);
    }

    private static Usage usage(dev.rafiki.budget.control.UsageCounters.Spent spent) {
        return Usage.of(spent.inputTokens(), spent.outputTokens(), spent.toolCalls(), spent.toolMillis());
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    /** Which of the owner's sessions a list shows, in which order; null fields do not filter. */
    public record SessionFilter(String search, String status, Instant updatedSince, Map<String, String> metadata,
                                boolean newestFirst) {
        public static final Set<String> STATUSES = Set.of("idle", "running", "stopped");
    }

    /**
     * The owner's sessions from a cursor, by creation time in either direction. {@code search}
     * matches inside the title, ignoring case ({@code %} and {@code _} match themselves);
     * {@code metadata} keeps sessions whose metadata has each key with exactly that string value;
     * {@code status} is the one the view shows (running while a prompt is queued or running,
     * stopped when the last prompt was cancelled, else idle).
     */
    public Page<SessionView> list(String owner, SessionFilter filter, UUID after, int limit) {
        var sql = new StringBuilder("SELECT s.* FROM agent_session s WHERE s.owner = ?1");
        var parameters = new ArrayList<Object>();
        parameters.add(owner);
        if (filter.search() != null) {
            parameters.add("%" + filter.search().toLowerCase(java.util.Locale.ROOT)
                    .replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            sql.append(" AND lower(s.title) LIKE ?").append(parameters.size()).append(" ESCAPE '!'");
        }
        if (filter.updatedSince() != null) {
            parameters.add(filter.updatedSince());
            sql.append(" AND s.updated_at >= ?").append(parameters.size());
        }
        for (var entry : filter.metadata().entrySet()) {
            parameters.add(entry.getKey());
            sql.append(" AND CAST(s.metadata AS jsonb) ->> ?").append(parameters.size());
            parameters.add(entry.getValue());
            sql.append(" = ?").append(parameters.size());
        }
        if (filter.status() != null) {
            var pending = "EXISTS (SELECT 1 FROM prompt p WHERE p.session_id = s.id AND p.status IN ('queued', 'running', 'waiting_approval'))";
            var lastCancelled = "(SELECT p.status FROM prompt p WHERE p.session_id = s.id ORDER BY p.seq DESC LIMIT 1)"
                    + " IS NOT DISTINCT FROM 'cancelled'";
            sql.append(switch (filter.status()) {
                case "running" -> " AND " + pending;
                case "stopped" -> " AND NOT " + pending + " AND " + lastCancelled;
                default -> " AND NOT " + pending + " AND NOT " + lastCancelled;
            });
        }
        var direction = filter.newestFirst() ? "DESC" : "ASC";
        if (after != null) {
            var cursor = owned(owner, after);
            parameters.add(cursor.createdAt);
            int at = parameters.size();
            parameters.add(cursor.id);
            sql.append(" AND (s.created_at, s.id) ").append(filter.newestFirst() ? "<" : ">")
                    .append(" (?").append(at).append(", ?").append(parameters.size()).append(")");
        }
        parameters.add(limit + 1);
        sql.append(" ORDER BY s.created_at ").append(direction).append(", s.id ").append(direction)
                .append(" LIMIT ?").append(parameters.size());
        var query = em.createNativeQuery(sql.toString(), AgentSession.class);
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, parameters.get(i));
        }
        @SuppressWarnings("unchecked")
        List<AgentSession> rows = query.getResultList();
        var items = rows.stream().limit(limit).map(this::view).toList();
        return new Page<>(items, rows.size() > limit ? items.get(items.size() - 1).id().toString() : null);
    }

    /**
     * Changes a session's title and metadata (a null field stays as it is; {@code clear*} empties
     * it). Only those columns are written: the prompt path updates the session's counters at
     * the same time, and writing the whole row back would undo its updates.
     */
    public SessionView update(String owner, UUID id, String title, boolean clearTitle, JsonObject metadata,
                              boolean clearMetadata) {
        owned(owner, id);
        em.createNativeQuery("""
                        UPDATE agent_session SET
                          title = CASE WHEN ?2 THEN NULL ELSE coalesce(CAST(?3 AS text), title) END,
                          metadata = CASE WHEN ?4 THEN NULL ELSE coalesce(CAST(?5 AS text), metadata) END,
                          updated_at = now()
                        WHERE id = ?1""")
                .setParameter(1, id)
                .setParameter(2, clearTitle)
                .setParameter(3, title)
                .setParameter(4, clearMetadata)
                .setParameter(5, metadata == null ? null : metadata.toString())
                .executeUpdate();
        var session = owned(owner, id);
        em.refresh(session);
        return view(session);
    }

    /** A page of the history after a message id, or before it when reading from the latest back. */
    public Page<MessageView> messages(String owner, UUID sessionId, long after, boolean latestFirst, int limit) {
        owned(owner, sessionId);
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
    public QueueView queue(String owner, UUID sessionId, boolean lastFirst) {
        owned(owner, sessionId);
        var pending = pending(sessionId);
        UUID running = null;
        var queued = new ArrayList<QueueEntry>();
        for (var prompt : pending) {
            if (prompt.status != PromptStatus.QUEUED) {
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

    SessionView view(AgentSession session) {
        var pending = pending(session.id);
        var running = pending.stream().filter(p -> p.status != PromptStatus.QUEUED).findFirst();
        String status;
        if (!pending.isEmpty()) {
            status = "running";
        } else {
            var last = em.createQuery("SELECT p.status FROM Prompt p WHERE p.sessionId = :session ORDER BY p.seq DESC",
                            PromptStatus.class)
                    .setParameter("session", session.id)
                    .setMaxResults(1)
                    .getResultList();
            status = !last.isEmpty() && last.get(0) == PromptStatus.CANCELLED ? "stopped" : "idle";
        }
        return new SessionView(session.id, session.title, session.model,
                Views.AgentUse.of(session.agentId, session.agentVersion), Views.metadata(session.metadata), status,
                running.map(p -> p.id).orElse(null),
                pending.stream().filter(p -> p.status == PromptStatus.QUEUED).count(),
                session.promptCount, session.messageCount,
                Usage.of(session.inputTokens, session.outputTokens, session.toolCalls, session.toolMillis),
                Views.ForkOrigin.of(session.forkedFromSession, session.forkedFromMessage), session.createdAt,
                session.updatedAt);
    }

    /** Queued, running and waiting for an approval (which holds the session like a running one). */
    private List<Prompt> pending(UUID sessionId) {
        return em.createQuery("""
                        SELECT p FROM Prompt p WHERE p.sessionId = :session
                        AND p.status IN (dev.rafiki.prompt.entity.PromptStatus.QUEUED, dev.rafiki.prompt.entity.PromptStatus.RUNNING,
                            dev.rafiki.prompt.entity.PromptStatus.WAITING_APPROVAL)
                        ORDER BY p.seq""", Prompt.class)
                .setParameter("session", sessionId)
                .getResultList();
    }

}
