package dev.rafiki.platform.db;

import java.sql.SQLException;

/** What a failed statement says about itself, wherever in a cause chain it is. */
public final class SqlStates {

    private SqlStates() {
    }

    /** Whether a unique key refused the write (a concurrent idempotent retry won the race). */
    public static boolean uniqueViolation(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
