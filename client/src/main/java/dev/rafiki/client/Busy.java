package dev.rafiki.client;

/** What a prompt does while its session runs another one. */
public enum Busy {
    /** wait in the session's queue (the server's default) */
    ENQUEUE,
    /** fail at once with {@code 409 session-busy} */
    REJECT,
    /** cancel the running prompt, then run */
    INTERRUPT;

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
