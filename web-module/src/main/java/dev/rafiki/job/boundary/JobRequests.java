package dev.rafiki.job.boundary;

import dev.rafiki.platform.http.Bodies;
import dev.rafiki.prompt.boundary.PromptRequests;
import jakarta.json.JsonObject;

/**
 * A job as a client asks for it in a {@code POST /submit} body: the prompt's members read by the
 * same rules as {@code POST /query}'s ({@link PromptRequests}), with a job's own ({@code run_at},
 * {@code webhook}).
 */
final class JobRequests {

    private JobRequests() {
    }

    /** @param webhook the body's webhook, already checked ({@link WebhookRequests}), or null */
    static NewJob parse(String owner, JsonObject body, String idempotencyKey, int maxPromptLength,
                        WebhookRequests.Webhook webhook) {
        var prompt = Bodies.string(body, "prompt", true, maxPromptLength);
        var sessionId = Bodies.reference(body, "session_id", "session");
        var model = Bodies.string(body, "model", false, 200);
        var agent = Bodies.string(body, "agent", false, 100);
        var metadata = Bodies.metadata(body);
        var runAtText = Bodies.string(body, "run_at", false, 64);
        var runAt = runAtText == null ? null : RunAt.parse(runAtText);
        return new NewJob(owner, sessionId, prompt, model, webhook == null ? null : webhook.url(),
                webhook == null ? null : webhook.secret(), metadata == null ? null : metadata.toString(),
                PromptRequests.idempotencyKey(idempotencyKey), agent, null, runAt, PromptRequests.outputSchema(body),
                PromptRequests.approval(body));
    }
}
