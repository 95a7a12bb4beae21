package dev.rafiki.prompt.boundary;

import java.util.Locale;

/** What to do with a new prompt while its session is busy with another. */
public enum BusyPolicy {
    /** Wait in the session's queue (the default). */
    ENQUEUE,
    /** Refuse with 409 and the running prompt's id. */
    REJECT,
    /** Cancel the running prompt, then run this one after those already queued. */
    INTERRUPT;

    public static BusyPolicy parse(String value) {
        if (value == null || value.isBlank()) {
            return ENQUEUE;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
