package dev.rafiki.prompt.control;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.EventTypes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.UUID;

/** Logs a prompt's terminal event in the very transaction that ends the prompt. */
@ApplicationScoped
public class PromptEvents {

    @Inject
    EventLog log;

    void onFinished(@Observes PromptFinished finished) {
        log.append(finished.owner(), finished.sessionId(), finished.promptId(), type(finished.status()),
                data(finished.promptId(), finished.status(), finished.errorCode(), finished.errorMessage()));
    }

    /** The terminal event's type for a prompt's terminal status, whichever path ended it. */
    public static String type(String status) {
        return switch (status) {
            case "completed" -> EventTypes.PROMPT_COMPLETED;
            case "cancelled" -> EventTypes.PROMPT_CANCELLED;
            default -> EventTypes.PROMPT_FAILED;
        };
    }

    /** The terminal event's payload. */
    public static JsonObject data(UUID promptId, String status, String errorCode, String errorMessage) {
        var data = Json.createObjectBuilder().add("prompt_id", promptId.toString()).add("status", status);
        if (errorCode != null) {
            data.add("error", Json.createObjectBuilder().add("code", errorCode)
                    .add("message", errorMessage == null ? errorCode : errorMessage));
        }
        return data.build();
    }
}
