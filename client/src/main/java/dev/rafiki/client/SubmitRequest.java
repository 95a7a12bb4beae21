package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * A background job to submit ({@code POST /submit}). As with {@link QueryRequest}, the client
 * makes an {@code Idempotency-Key} when none is given and keeps it across retries: one job per call.
 *
 * @param webhookUrl    where to announce the job's end (Standard Webhooks; verify with {@link WebhookVerifier})
 * @param webhookSecret {@code whsec_…}; without one the server makes one and answers it once, in {@link Job#webhook()}
 */
public record SubmitRequest(String prompt, UUID sessionId, String model, String agent, JsonObject metadata,
                            OffsetDateTime runAt, JsonObject outputSchema, String webhookUrl, String webhookSecret,
                            JsonObject approval, String idempotencyKey) {

    public SubmitRequest {
        if (prompt == null) {
            throw new IllegalArgumentException("a prompt is required");
        }
    }

    public static SubmitRequest of(String prompt) {
        return new SubmitRequest(prompt, null, null, null, null, null, null, null, null, null, null);
    }

    public SubmitRequest inSession(UUID session) {
        return new SubmitRequest(prompt, session, model, agent, metadata, runAt, outputSchema, webhookUrl, webhookSecret, approval, idempotencyKey);
    }

    public SubmitRequest withModel(String name) {
        return new SubmitRequest(prompt, sessionId, name, agent, metadata, runAt, outputSchema, webhookUrl, webhookSecret, approval, idempotencyKey);
    }

    public SubmitRequest withAgent(String profile) {
        return new SubmitRequest(prompt, sessionId, model, profile, metadata, runAt, outputSchema, webhookUrl, webhookSecret, approval, idempotencyKey);
    }

    public SubmitRequest withMetadata(JsonObject value) {
        return new SubmitRequest(prompt, sessionId, model, agent, value, runAt, outputSchema, webhookUrl, webhookSecret, approval, idempotencyKey);
    }

    /** Run it not before this time (at most {@code rafiki.jobs.max-delay} ahead). */
    public SubmitRequest at(OffsetDateTime time) {
        return new SubmitRequest(prompt, sessionId, model, agent, metadata, time, outputSchema, webhookUrl, webhookSecret, approval, idempotencyKey);
    }

    public SubmitRequest withOutputSchema(JsonObject schema) {
        return new SubmitRequest(prompt, sessionId, model, agent, metadata, runAt, schema, webhookUrl, webhookSecret, approval, idempotencyKey);
    }

    /** Approval rules for this job on top of its profile's, as {@link QueryRequest#withApproval}. */
    public SubmitRequest withApproval(JsonObject rules) {
        return new SubmitRequest(prompt, sessionId, model, agent, metadata, runAt, outputSchema, webhookUrl, webhookSecret, rules, idempotencyKey);
    }

    /** Announce the job's end to {@code url}, signed with {@code secret} (null: the server makes one). */
    public SubmitRequest withWebhook(String url, String secret) {
        return new SubmitRequest(prompt, sessionId, model, agent, metadata, runAt, outputSchema, url, secret, approval, idempotencyKey);
    }

    public SubmitRequest withIdempotencyKey(String key) {
        return new SubmitRequest(prompt, sessionId, model, agent, metadata, runAt, outputSchema, webhookUrl, webhookSecret, approval, key);
    }

    JsonObject toJson() {
        var json = Json.createObjectBuilder().add("prompt", prompt);
        JsonMembers.optional(json, "session_id", sessionId);
        JsonMembers.optional(json, "model", model);
        JsonMembers.optional(json, "agent", agent);
        JsonMembers.optional(json, "metadata", metadata);
        // OffsetDateTime.toString() drops ":00" seconds, which RFC 3339 (and the server) requires
        JsonMembers.optional(json, "run_at", runAt == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(runAt));
        JsonMembers.optional(json, "output_schema", outputSchema);
        JsonMembers.optional(json, "approval", approval);
        if (webhookUrl != null) {
            json.add("webhook", JsonMembers.optional(Json.createObjectBuilder().add("url", webhookUrl), "secret", webhookSecret));
        }
        return json.build();
    }
}
