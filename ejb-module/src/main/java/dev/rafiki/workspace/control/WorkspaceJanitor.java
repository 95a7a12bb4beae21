package dev.rafiki.workspace.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
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

/**
 * Retention of idle workspaces: every {@code rafiki.files.sweep-interval-seconds}, each node removes
 * from its workspace directory the workspaces idle longer than {@code rafiki.files.idle-retention}
 * (zero keeps them); the rules are {@link IdleWorkspaces}'. The session itself, its history and
 * artifacts stay.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
public class WorkspaceJanitor {

    private static final Logger LOG = Logger.getLogger(WorkspaceJanitor.class.getName());

    @Inject
    Workspaces workspaces;

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    ActivePrompts activePrompts;

    @Inject
    WorkspaceSettings settings;

    @Resource
    TimerService timers;

    @PostConstruct
    void start() {
        long interval = Math.max(1, settings.sweepIntervalSeconds) * 1000;
        timers.createIntervalTimer(interval, interval, new TimerConfig("workspace-janitor", false));
    }

    /** Outside a transaction, never failing: Payara expunges a timer after two failed deliveries. */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void sweep() {
        if (settings.idleRetention.isZero() || settings.idleRetention.isNegative()) {
            return;
        }
        try {
            var removed = IdleWorkspaces.sweep(workspaces.directory(), this::activity, Instant.now(), settings.idleRetention);
            if (!removed.isEmpty()) {
                LOG.info("removed " + removed.size() + " workspace(s) idle for more than " + settings.idleRetention);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "the sweep of idle workspaces failed; the next one tries again", e);
        }
    }

    /** Pending: an active prompt (queued, running or waiting for an approval), or a live claim (a run the fast lane holds). */
    private Optional<IdleWorkspaces.SessionActivity> activity(UUID session) {
        var rows = em.createNativeQuery("SELECT s.updated_at, (s.worker IS NOT NULL AND s.claim_expires_at > now()) OR "
                        + activePrompts.existSql("s.id") + " FROM agent_session s WHERE s.id = ?1")
                .setParameter(1, session)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        var row = (Object[]) rows.get(0);
        // NULL (a claim without an expiry) counts as not pending, as false does
        return Optional.of(new IdleWorkspaces.SessionActivity(instant(row[0]), Boolean.TRUE.equals(row[1])));
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
