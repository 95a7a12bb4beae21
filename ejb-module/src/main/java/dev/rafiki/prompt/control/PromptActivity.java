package dev.rafiki.prompt.control;

import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.session.control.SessionActivity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the prompts of sessions are doing, read in two queries for any number of sessions; and
 * which sessions have an active prompt, for the queries of the features below (sessions,
 * workspaces), in the terms of {@link PromptStatus#ACTIVE}.
 */
@ApplicationScoped
public class PromptActivity implements SessionActivity {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Override
    public String existSql(String sessionId) {
        // an alias of its own: the caller's query may call its tables p or s
        return "EXISTS (SELECT 1 FROM prompt active_prompt WHERE active_prompt.session_id = " + sessionId
                + " AND active_prompt.status IN " + PromptStatus.ACTIVE_SQL + ")";
    }

    @Override
    public Map<UUID, Activity> of(Collection<UUID> sessions) {
        if (sessions.isEmpty()) {
            return Map.of();
        }
        var running = new HashMap<UUID, UUID>();
        var queued = new HashMap<UUID, Long>();
        for (var row : em.createQuery("SELECT p.sessionId, p.id, p.status FROM Prompt p WHERE p.sessionId IN :sessions"
                        + " AND p.status IN " + PromptStatus.ACTIVE_JPQL + " ORDER BY p.seq", Object[].class)
                .setParameter("sessions", sessions)
                .getResultList()) {
            var session = (UUID) row[0];
            if (PromptStatus.IN_FLIGHT.contains((PromptStatus) row[2])) {
                running.putIfAbsent(session, (UUID) row[1]);
            } else {
                queued.merge(session, 1L, Long::sum);
            }
        }
        List<UUID> cancelled = em.createQuery("""
                        SELECT p.sessionId FROM Prompt p WHERE p.sessionId IN :sessions
                        AND p.status = dev.rafiki.prompt.entity.PromptStatus.CANCELLED
                        AND p.seq = (SELECT max(q.seq) FROM Prompt q WHERE q.sessionId = p.sessionId)""", UUID.class)
                .setParameter("sessions", sessions)
                .getResultList();
        var activities = new HashMap<UUID, Activity>();
        for (var session : sessions) {
            activities.put(session, new Activity(running.get(session), queued.getOrDefault(session, 0L),
                    cancelled.contains(session)));
        }
        return activities;
    }
}
