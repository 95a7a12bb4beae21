package dev.rafiki.prompt.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Denies tool calls whose approval request expired ({@code rafiki.approvals.timeout}), on every
 * node (the sweeper's pattern: the database is the truth, each node looks). Each request is
 * expired in a transaction of its own that re-checks it under its session's row lock, so two
 * nodes seeing the same request expire it once, and a node that was down finds every request
 * that expired meanwhile.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ApprovalExpiry {

    private static final Logger LOG = Logger.getLogger(ApprovalExpiry.class.getName());
    /** Requests expired per pass; more wait for the next one, a poll period later. */
    static final int BATCH = 200;

    @Resource
    TimerService timers;

    @Inject
    ToolApprovals approvals;

    @Inject
    PromptSettings settings;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(settings.approvalExpiryPollMillis, settings.approvalExpiryPollMillis, new TimerConfig("approval-expiry", false));
    }

    @Timeout
    void expire() {
        List<Long> due;
        try {
            due = approvals.due(BATCH);
        } catch (RuntimeException e) {
            // the database may be down; the next pass looks again
            LOG.log(Level.WARNING, "looking for expired approval requests failed: " + e.getMessage());
            return;
        }
        for (var id : due) {
            try {
                approvals.expire(id);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "approval request " + id + " not expired now: " + e.getMessage());
            }
        }
    }
}
