package dev.rafiki.budget.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.budget.control.UsageCounters.Spent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetStandingTest {

    static final Instant RESET = Instant.parse("2026-12-02T00:00:00Z");

    static BudgetRules.Standing standing(Long maxTokens, Long maxToolSeconds, Spent spent) {
        return new BudgetRules.Standing(new BudgetRules.Rule("user", "ann", BudgetWindow.DAY, maxTokens, maxToolSeconds,
                false), spent, RESET);
    }

    @Test
    void aBudgetIsSpentOnceWhatWasUsedReachesTheLimit() {
        assertNull(standing(100L, null, new Spent(60, 39, 0, 0)).exhausted(0, 0));
        assertNotNull(standing(100L, null, new Spent(60, 40, 0, 0)).exhausted(0, 0), "input and output tokens count");
        assertNotNull(standing(0L, null, Spent.NONE).exhausted(0, 0), "a zero budget allows nothing");
    }

    @Test
    void aRunningPromptsOwnSpendingCountsOnTopOfWhatOthersSpent() {
        var standing = standing(100L, 10L, new Spent(50, 0, 0, 9_000));
        assertNull(standing.exhausted(49, 999));
        assertTrue(standing.exhausted(50, 0).contains("100 tokens"));
        assertTrue(standing.exhausted(0, 1000).contains("10 tool seconds"));
    }

    @Test
    void anUnsetLimitDoesNotApply() {
        assertNull(standing(null, 10L, new Spent(1_000_000, 0, 0, 0)).exhausted(0, 0));
        assertNull(standing(100L, null, new Spent(0, 0, 5, 10_000_000)).exhausted(0, 0));
    }

    @Test
    void theRefusalSaysWhenTheBudgetResets() {
        assertTrue(standing(1L, null, new Spent(1, 0, 0, 0)).exhausted(0, 0).contains(RESET.toString()));
    }

    @Test
    void theLargestToolTimeLimitIsNoLimitRatherThanAnOverflow() {
        assertNull(standing(null, Long.MAX_VALUE, new Spent(0, 0, 1, 1_000_000)).exhausted(0, 0));
    }
}
