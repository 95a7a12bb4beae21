package dev.rafiki.prompt.boundary;

import dev.rafiki.session.boundary.SessionDeleting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** A session's prompts end before the session goes: stopped, the queue cleared, and committed. */
@ApplicationScoped
public class SessionDeletions {

    @Inject
    Prompts prompts;

    void stopFirst(@Observes SessionDeleting deleting) {
        prompts.stop(deleting.owner(), deleting.session(), true);
    }
}
