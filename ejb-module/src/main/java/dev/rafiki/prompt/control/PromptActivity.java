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

/** What the prompts of sessions are doing, read in two queries for any number of sessions. */
@ApplicationScoped
public class PromptActivity implements SessionActivity {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Override
    public Map<UUID, Activity> of(Collection<UUID> sessions) {
        if (sessions.isEmpty()) {
            return Map.of();
        }
        var running = new HashMap<UUID, UUID>();
        var queued = new HashMap<UUID, Long>();
        // pending: queued, running and waiting for an approval (which holds the session like a running one)
        for (var row : em.createQuery("""
                        SELECT p.sessionId, p.id, p.status FROM Prompt p WHERE p.sessionId IN :sessions
                        AND p.status IN (dev.rafiki.prompt.entity.PromptStatus.QUEUED, dev.rafiki.prompt.entity.PromptStatus.RUNNING,
                            dev.rafiki.prompt.entity.PromptStatus.WAITING_APPROVAL)
                        ORDER BY p.seq""", Object[].class)
                .setParameter("sessions", sessions)
                .getResultList()) {
            var session = (UUID) row[0];
            if (row[2] == PromptStatus.QUEUED) {
                queued.merge(session, 1L, Long::sum);
            } else {
                running.putIfAbsent(session, (UUID) row[1]);
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
