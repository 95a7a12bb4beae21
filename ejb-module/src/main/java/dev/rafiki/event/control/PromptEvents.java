package dev.rafiki.event.control;

import dev.rafiki.prompt.control.PromptFinished;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;

/** Logs a prompt's terminal event in the very transaction that ends the prompt. */
@ApplicationScoped
public class PromptEvents {

    @Inject
    EventLog log;

    void onFinished(@Observes PromptFinished finished) {
        var type = switch (finished.status()) {
            case "completed" -> EventTypes.PROMPT_COMPLETED;
            case "cancelled" -> EventTypes.PROMPT_CANCELLED;
            default -> EventTypes.PROMPT_FAILED;
        };
        var data = Json.createObjectBuilder().add("prompt_id", finished.promptId().toString())
                .add("status", finished.status());
        if (finished.errorCode() != null) {
            data.add("error", Json.createObjectBuilder().add("code", finished.errorCode())
                    .add("message", finished.errorMessage() == null ? finished.errorCode() : finished.errorMessage()));
        }
        log.append(finished.owner(), finished.sessionId(), finished.promptId(), type, data.build());
    }
}
