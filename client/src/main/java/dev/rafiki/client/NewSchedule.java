package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * A schedule to create ({@code POST /schedules}): {@code cron} (five fields, or six with seconds
 * first), {@code timezone} (an IANA name) and {@code prompt} are required.
 *
 * @param missed {@code skip} (the default) or {@code run_once}: what a tick missed while every node was down becomes
 */
public record NewSchedule(String cron, String timezone, String prompt, String model, UUID sessionId,
                          String webhookUrl, String webhookSecret, JsonObject metadata, String missed) {

    public static NewSchedule of(String cron, String timezone, String prompt) {
        return new NewSchedule(cron, timezone, prompt, null, null, null, null, null, null);
    }

    public NewSchedule withModel(String name) {
        return new NewSchedule(cron, timezone, prompt, name, sessionId, webhookUrl, webhookSecret, metadata, missed);
    }

    /** Run every tick's job in this session (without one, each run gets a session of its own). */
    public NewSchedule inSession(UUID session) {
        return new NewSchedule(cron, timezone, prompt, model, session, webhookUrl, webhookSecret, metadata, missed);
    }

    public NewSchedule withWebhook(String url, String secret) {
        return new NewSchedule(cron, timezone, prompt, model, sessionId, url, secret, metadata, missed);
    }

    public NewSchedule withMetadata(JsonObject value) {
        return new NewSchedule(cron, timezone, prompt, model, sessionId, webhookUrl, webhookSecret, value, missed);
    }

    public NewSchedule missed(String policy) {
        return new NewSchedule(cron, timezone, prompt, model, sessionId, webhookUrl, webhookSecret, metadata, policy);
    }

    JsonObject toJson() {
        var json = Json.createObjectBuilder().add("cron", cron).add("timezone", timezone).add("prompt", prompt);
        if (model != null) {
            json.add("model", model);
        }
        if (sessionId != null) {
            json.add("session_id", sessionId.toString());
        }
        if (webhookUrl != null) {
            var webhook = Json.createObjectBuilder().add("url", webhookUrl);
            if (webhookSecret != null) {
                webhook.add("secret", webhookSecret);
            }
            json.add("webhook", webhook);
        }
        if (metadata != null) {
            json.add("metadata", metadata);
        }
        if (missed != null) {
            json.add("missed", missed);
        }
        return json.build();
    }
}
