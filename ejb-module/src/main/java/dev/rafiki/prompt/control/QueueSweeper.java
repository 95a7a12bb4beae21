package dev.rafiki.prompt.control;

import dev.rafiki.platform.config.NodeIdentity;
import dev.rafiki.prompt.entity.PromptStatus;
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
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The safety net under JMS: the database is the truth about pending work, so any session with
 * pending prompts and no live claim gets a new wake-up. This covers a wake-up lost to a crash,
 * a claim left by a dead worker (after its lease) and, at start, claims of this node's previous
 * incarnation, which are released at once instead of waiting for their lease.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class.getName());

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Resource
    TimerService timers;

    @Inject
    PromptDispatcher dispatcher;

    @Inject
    NodeIdentity node;

    @Inject
    PromptSettings settings;

    @PostConstruct
    void start() {
        int released = em.createNativeQuery("""
                        UPDATE agent_session SET worker = NULL, claim_expires_at = NULL
                        WHERE worker LIKE ?1 AND worker NOT LIKE ?2""")
                .setParameter(1, node.nodePrefix() + "%")
                .setParameter(2, node.claimPrefix() + "%")
                .executeUpdate();
        if (released > 0) {
            LOG.info(() -> "released " + released + " session claim(s) left by this node's previous run");
        }
        timers.createIntervalTimer(0, settings.sweepIntervalMillis, new TimerConfig("queue-sweeper", false));
    }

    /**
     * Outside a transaction: a failed query would mark one rolled back, and Payara expunges an
     * interval timer, for good, after two failed deliveries (seen with the database restarted).
     */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void sweep() {
        try {
            // runnable only: a prompt waiting for a person has nothing for a worker to do; the decision wakes its session
            @SuppressWarnings("unchecked")
            List<UUID> orphaned = em.createNativeQuery("""
                            SELECT DISTINCT p.session_id FROM prompt p JOIN agent_session s ON s.id = p.session_id
                            WHERE p.status IN\s""" + PromptStatus.RUNNABLE_SQL + """
                             AND p.created_at < now() - make_interval(secs => ?1)
                            AND (s.worker IS NULL OR s.claim_expires_at < now())
                            LIMIT 1000""", UUID.class)
                    .setParameter(1, settings.sweepIntervalMillis / 1000.0)
                    .getResultList();
            orphaned.forEach(dispatcher::wake);
            if (!orphaned.isEmpty()) {
                LOG.info(() -> "re-woke " + orphaned.size() + " session(s) with pending prompts and no live worker");
            }
        } catch (RuntimeException e) {
            // The database or broker may be down; the next tick tries again.
            LOG.log(Level.WARNING, "queue sweep failed: " + e.getMessage());
        }
    }
}
