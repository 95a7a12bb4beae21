package dev.rafiki.session.control;

import dev.rafiki.workspace.control.ActivePrompts;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * What the prompts of sessions are doing, for their views and filters. The prompt feature answers
 * it; a session without prompts may be missing from the answer. A session is running exactly when
 * it has an active prompt ({@link ActivePrompts}), in its view and in a filter alike.
 */
public interface SessionActivity extends ActivePrompts {

    /**
     * @param runningPromptId the prompt running or waiting for an approval, if any
     * @param queued          prompts waiting behind it
     * @param lastCancelled   whether the session's last prompt was cancelled
     */
    record Activity(UUID runningPromptId, long queued, boolean lastCancelled) {

        public static final Activity NONE = new Activity(null, 0, false);

        /** As the view names it: running while a prompt is queued or running, stopped after a cancel, else idle. */
        public String status() {
            if (runningPromptId != null || queued > 0) {
                return "running";
            }
            return lastCancelled ? "stopped" : "idle";
        }
    }

    /** One query for a page of sessions, not two per session. */
    Map<UUID, Activity> of(Collection<UUID> sessions);
}
