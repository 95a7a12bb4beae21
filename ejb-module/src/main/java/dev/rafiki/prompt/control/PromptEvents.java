package dev.rafiki.prompt.control;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Logs a prompt's terminal event in the very transaction that ends the prompt. */
@ApplicationScoped
public class PromptEvents {

    @Inject
    EventLog log;

    void onFinished(@Observes PromptFinished finished) {
        log.append(finished.owner(), finished.sessionId(), SessionEvent.PromptEnded.of(finished.promptId(),
                finished.status(), finished.errorCode(), finished.errorMessage()));
    }
}
