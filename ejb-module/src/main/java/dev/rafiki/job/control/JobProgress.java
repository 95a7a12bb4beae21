package dev.rafiki.job.control;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;

/** Records what a running job says of its progress, fenced like every write of a run. */
@Stateless
public class JobProgress {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    EventLog events;

    /** @return false when the run no longer holds its session */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public boolean report(ArtifactStore.Run run, int percent, String message) {
        if (!JobFences.holds(em, run.sessionId(), run.promptId(), run.worker())) {
            return false;
        }
        em.createNativeQuery("UPDATE job SET progress_percent = ?1, progress_message = ?2, progress_at = ?3 WHERE id = ?4")
                .setParameter(1, percent)
                .setParameter(2, message)
                .setParameter(3, Timestamp.from(Instant.now()))
                .setParameter(4, run.promptId())
                .executeUpdate();
        events.append(run.owner(), run.sessionId(), new SessionEvent.JobProgress(run.promptId(), percent, message));
        return true;
    }
}
