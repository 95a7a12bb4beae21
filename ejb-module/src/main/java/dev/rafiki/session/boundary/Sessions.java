package dev.rafiki.session.boundary;

import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.session.boundary.Views.Page;
import dev.rafiki.session.boundary.Views.SessionView;
import dev.rafiki.session.boundary.Views.Usage;
import dev.rafiki.session.control.SessionActivity;
import dev.rafiki.session.control.SessionActivity.Activity;
import dev.rafiki.session.entity.AgentSession;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sessions as their owner sees them. A session of another user is reported exactly like a
 * missing one, so ids cannot be probed. Reads run in the caller's transaction if it has one, else
 * in none: a read-only transaction cost a commit's round trip and the JTA work around it.
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

    @jakarta.inject.Inject
    SessionActivity activity;

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
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public java.util.Optional<String> ownerOf(UUID id) {
        return java.util.Optional.ofNullable(em.find(AgentSession.class, id)).map(session -> session.owner);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public SessionView get(String owner, UUID id) {
        return view(owned(owner, id));
    }

    public void delete(String owner, UUID id) {
        em.remove(owned(owner, id));
        // the session row first: its lock keeps event writers out (they update it before they
        // insert), and the events, which have no foreign key to cascade on, go after it
        em.flush();
        em.createNativeQuery("DELETE FROM event WHERE session_id = ?1").setParameter(1, id).executeUpdate();
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
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
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
            var pending = activity.existSql("s.id");
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
        var shown = rows.stream().limit(limit).toList();
        var activities = activity.of(shown.stream().map(row -> row.id).toList());
        var items = shown.stream().map(row -> view(row, activities.getOrDefault(row.id, Activity.NONE))).toList();
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

    SessionView view(AgentSession session) {
        return view(session, activity.of(List.of(session.id)).getOrDefault(session.id, Activity.NONE));
    }

    private static SessionView view(AgentSession session, Activity activity) {
        return new SessionView(session.id, session.title, session.model,
                Views.AgentUse.of(session.agentId, session.agentVersion), Views.metadata(session.metadata),
                activity.status(), activity.runningPromptId(), activity.queued(),
                session.promptCount, session.messageCount,
                Usage.of(session.inputTokens, session.outputTokens, session.toolCalls, session.toolMillis),
                Views.ForkOrigin.of(session.forkedFromSession, session.forkedFromMessage), session.createdAt,
                session.updatedAt);
    }

}
