package dev.rafiki.budget.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Retention of the spending counters ({@code budget_usage}, a row per subject and UTC day, for
 * ever otherwise): every hour, on every node (a delete is the same whoever runs it), the days older
 * than {@code rafiki.budgets.usage-retention-days} go, in batches that commit one by one. The
 * retention never falls below what is still read: the longest budget window (a month) and the
 * longest {@code /usage} window ({@code rafiki.usage.max-window-days}).
 */
@Singleton
public class UsageRetention {

    private static final Logger LOG = Logger.getLogger(UsageRetention.class.getName());

    /** The longest budget window, a calendar month, in days. */
    static final int LONGEST_BUDGET_DAYS = 31;
    static final int BATCH = 5000;

    @Inject
    UsageCounters counters;

    @Inject
    BudgetSettings settings;

    @PostConstruct
    void check() {
        if (settings.usageRetentionDays < kept(settings.usageRetentionDays, settings.maxUsageWindowDays)) {
            LOG.warning("rafiki.budgets.usage-retention-days=" + settings.usageRetentionDays + " is shorter than what budgets and "
                    + "/usage windows read: spending counters are kept " + kept(settings.usageRetentionDays, settings.maxUsageWindowDays) + " days");
        }
    }

    /** The days of counters kept before today: the configured ones, at least what is still read. */
    static int kept(int configured, int maxWindowDays) {
        return Math.max(configured, Math.max(maxWindowDays, LONGEST_BUDGET_DAYS));
    }

    /** Outside a transaction: each batch commits on its own. */
    @Schedule(hour = "*", minute = "41", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void prune() {
        var before = BudgetWindow.day(Instant.now()).minusDays(kept(settings.usageRetentionDays, settings.maxUsageWindowDays));
        try {
            long removed = counters.prune(before, BATCH);
            if (removed > 0) {
                LOG.info("removed " + removed + " spending counters of days before " + before);
            }
        } catch (RuntimeException e) {
            // the database may be away: the next hour tries again
            LOG.log(Level.WARNING, "removing spending counters before " + before + " failed: " + e.getMessage(), e);
        }
    }
}
