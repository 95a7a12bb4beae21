package dev.rafiki.job.control;

import jakarta.persistence.EntityManager;
import java.util.UUID;

/** The claim check every write of a running job makes, like the prompt ledger's. */
final class JobFences {

    private JobFences() {
    }

    /**
     * Locks the session row if {@code worker} still holds it and the prompt is still running.
     * Session row first, as every writer does, so this cannot deadlock with them.
     */
    static boolean holds(EntityManager em, UUID sessionId, UUID promptId, String worker) {
        if (em.createNativeQuery("SELECT 1 FROM agent_session WHERE id = ?1 AND worker = ?2 FOR UPDATE")
                .setParameter(1, sessionId)
                .setParameter(2, worker)
                .getResultList().isEmpty()) {
            return false;
        }
        return !em.createNativeQuery("SELECT 1 FROM prompt WHERE id = ?1 AND status = 'running'")
                .setParameter(1, promptId)
                .getResultList().isEmpty();
    }
}
