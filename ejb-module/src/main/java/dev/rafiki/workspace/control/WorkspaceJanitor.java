package dev.rafiki.workspace.control;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Retention of idle workspaces: every 10 minutes, each node removes from its workspace directory
 * the workspaces idle longer than {@code rafiki.files.idle-retention} (zero keeps them); the rules
 * are {@link IdleWorkspaces}'. The session itself, its history and artifacts stay.
 */
@Singleton
public class WorkspaceJanitor {

    private static final Logger LOG = Logger.getLogger(WorkspaceJanitor.class.getName());

    @Inject
    Workspaces workspaces;

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "rafiki.files.idle-retention", defaultValue = "P30D")
    Duration retention;

    @Schedule(hour = "*", minute = "*/10", persistent = false)
    void sweep() {
        if (retention.isZero() || retention.isNegative()) {
            return;
        }
        try {
            var removed = IdleWorkspaces.sweep(workspaces.directory(), this::activity, Instant.now(), retention);
            if (!removed.isEmpty()) {
                LOG.info("removed " + removed.size() + " workspace(s) idle for more than " + retention);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "the sweep of idle workspaces failed; the next one tries again", e);
        }
    }

    private Optional<IdleWorkspaces.SessionActivity> activity(UUID session) {
        var rows = em.createNativeQuery("""
                        SELECT s.updated_at, EXISTS (SELECT 1 FROM prompt p WHERE p.session_id = s.id
                        AND p.status IN ('queued', 'running')) FROM agent_session s WHERE s.id = ?1""")
                .setParameter(1, session)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        var row = (Object[]) rows.get(0);
        return Optional.of(new IdleWorkspaces.SessionActivity(instant(row[0]), (Boolean) row[1]));
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }
}
