package dev.rafiki.workspace.control;

/**
 * Whether a session has an active prompt: one queued, running or waiting for a person, which
 * occupies the session. The prompt feature, above this one, answers (it owns the statuses); the
 * workspace feature keeps such a session's workspace, and the session feature calls such a session
 * running.
 */
public interface ActivePrompts {

    /**
     * @param sessionId an SQL expression for the session's id in the caller's query, e.g. {@code s.id}
     * @return an SQL condition, true when that session has an active prompt
     */
    String existSql(String sessionId);
}
