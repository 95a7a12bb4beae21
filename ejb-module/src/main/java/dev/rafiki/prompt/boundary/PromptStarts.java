package dev.rafiki.prompt.boundary;

import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.profile.boundary.AgentProfiles;
import dev.rafiki.prompt.control.FastLane;
import dev.rafiki.prompt.control.RunAdmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Starting a prompt, the call every {@code POST /query} and {@code /query_stream} prompt makes.
 * A CDI bean, not an EJB: the method needs no transaction (the fast lane writes through the group
 * commit, the durable queue through {@link Prompts#submit}, which has its own), and the EJB
 * container's interceptor chain around it was about 5 % of an echo prompt's CPU (JFR, row 1).
 */
@ApplicationScoped
public class PromptStarts {

    @Inject
    Prompts prompts;

    @Inject
    PromptIntake intake;

    @Inject
    FastLane lane;

    @Inject
    ModelCatalog models;

    @Inject
    AgentProfiles profiles;

    @Inject
    RunAdmission admission;

    /**
     * Starts a prompt: in the fast lane when its session is idle (accepted, run and recorded in
     * one group commit), else on the durable queue. The handle's {@code accepted} completes once
     * the prompt is committed, {@code finished} once its end is.
     */
    public FastLane.Handle start(NewPrompt asked) {
        if (asked.agent() != null && asked.idempotencyKey() != null) {
            // a retry is answered with its first prompt even if the profile it named was deleted since
            var existing = intake.byIdempotencyKey(asked.owner(), asked.idempotencyKey());
            if (existing.isPresent()) {
                return lane.follow(Prompts.replay(existing.get(), asked));
            }
        }
        // only a prompt that names a profile pays a lookup; the session's pin travels with the session
        var request = asked.agent() == null ? asked : asked.pinned(profiles.resolve(asked.owner(), asked.agent()));
        var model = request.effectiveModel();
        if (model != null && models.resolve(model) == null) {
            throw ApiException.invalid("unknown model '" + model + "'; use " + models.describe());
        }
        var refusal = admission.refusal(request.owner(), request.sessionId(),
                request.pin() == null ? null : request.pin().id());
        // a retry of a prompt accepted before the budget ran out is still answered with that prompt
        if (refusal != null && (request.idempotencyKey() == null
                || intake.byIdempotencyKey(request.owner(), request.idempotencyKey()).isEmpty())) {
            throw refusal;
        }
        var fast = lane.submit(new FastLane.Request(request.owner(), request.sessionId(), request.prompt(),
                model, request.idempotencyKey(), request.requestHash(), null, request.pin(), request.outputSchema(),
                request.metadata(), request.approval()),
                () -> prompts.submit(request));
        return fast.orElseGet(() -> lane.follow(prompts.submit(request)));
    }
}
