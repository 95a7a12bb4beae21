package dev.rafiki.prompt.control;

import dev.rafiki.budget.control.BudgetRules;
import dev.rafiki.platform.db.SchemaMigrator;
import dev.rafiki.platform.problem.ApiException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Whether a new run (a prompt, a job) may start as far as budgets go, asked by every way in
 * before anything is written. The budgets that apply are its user's and its profile's: the one
 * the request named, else its session's pin, which is only looked up when some profile has a
 * budget at all.
 */
@ApplicationScoped
public class RunAdmission {

    @Inject
    BudgetRules budgets;

    @Resource(lookup = SchemaMigrator.DATA_SOURCE)
    DataSource dataSource;

    /** @return the refusal ({@code 429 budget-exceeded}), or null when the run may start */
    public ApiException refusal(String owner, UUID sessionId, UUID namedAgent) {
        var agent = namedAgent != null ? namedAgent
                : sessionId != null && budgets.agentBudgets() ? sessionAgent(owner, sessionId) : null;
        return budgets.refusal(owner, agent);
    }

    private UUID sessionAgent(String owner, UUID sessionId) {
        try (var c = dataSource.getConnection();
             var select = c.prepareStatement("SELECT agent_id FROM agent_session WHERE id = ? AND owner = ?")) {
            select.setObject(1, sessionId);
            select.setString(2, owner);
            try (var row = select.executeQuery()) {
                // an unknown session is not this check's to report: the submission answers 404 as it always did
                return row.next() ? row.getObject(1, UUID.class) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the profile of session " + sessionId, e);
        }
    }
}
