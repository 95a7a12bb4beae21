package dev.rafiki.prompt.entity;

import java.util.Locale;

public enum PromptStatus {
    /** A delayed job's prompt before its time: not pending, joins the queue when due. */
    SCHEDULED, QUEUED, RUNNING,
    /** Holds its session while a person decides on a tool call its model asked for; not pending, not ended. */
    WAITING_APPROVAL, COMPLETED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The spelling stored in the database and shown in the API. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
