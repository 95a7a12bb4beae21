package dev.rafiki.job.boundary;

import dev.rafiki.job.control.JobSettings;
import dev.rafiki.job.control.WebhookSignature;
import dev.rafiki.platform.net.OutboundTargets;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

/**
 * The {@code webhook} member of a request body ({@code POST /submit}, {@code POST /schedules}):
 * one set of rules for its target (no private networks unless the operator allows them) and its
 * signing secret (the client's, or a new one).
 */
@ApplicationScoped
public class WebhookRequests {

    @Inject
    JobSettings settings;

    /** Where to deliver and with which secret to sign. */
    public record Webhook(String url, String secret) {
    }

    /** @return the body's webhook, or null when it names none */
    public Webhook read(JsonObject body) {
        var webhook = Bodies.object(body, "webhook");
        if (webhook == null) {
            return null;
        }
        var url = Bodies.string(webhook, "url", true, 2000);
        var problem = OutboundTargets.problem(url, settings.webhookAllowPrivateNetworks);
        if (problem != null) {
            throw ApiException.invalid(problem);
        }
        var secret = Bodies.string(webhook, "secret", false, 200);
        if (secret != null && !WebhookSignature.valid(secret)) {
            throw ApiException.invalid("'webhook.secret' must be whsec_ followed by the base64 of 24 to 64 bytes");
        }
        return new Webhook(url, secret != null ? secret : WebhookSignature.newSecret());
    }
}
