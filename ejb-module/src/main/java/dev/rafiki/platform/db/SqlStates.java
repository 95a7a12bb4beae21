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

    /**
     * The SQLSTATE with which the database refused the data itself, or null: a value it cannot
     * store (class 22, data exception), a constraint (23) or a limit (54). Unlike a lost
     * connection or a deadlock, the same write would be refused again.
     */
    public static String dataRefusal(Throwable e) {
        int depth = 0;
        for (var cause = e; cause != null && depth < 50; cause = next(cause), depth++) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23")
                        || sql.getSQLState().startsWith("54"))) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** A batch names its failing statement's error as the next exception, not always as the cause. */
    private static Throwable next(Throwable e) {
        if (e.getCause() != null) {
            return e.getCause();
        }
        return e instanceof SQLException sql ? sql.getNextException() : null;
    }
}
