package dev.rafiki.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A person's decision on a tool call a prompt waits for ({@code POST
 * /session/{id}/prompts/{p}/approvals}): approve (optionally with edited {@code arguments}) or deny
 * (optionally with a {@code reason} the model hears).
 */
public record ApprovalDecision(String toolCallId, String decision, String reason, JsonValue arguments) {

    public static ApprovalDecision approve(String toolCallId) {
        return new ApprovalDecision(toolCallId, "approve", null, null);
    }

    public static ApprovalDecision deny(String toolCallId, String reason) {
        return new ApprovalDecision(toolCallId, "deny", reason, null);
    }

    /** Approve with these arguments instead of the model's. */
    public ApprovalDecision withArguments(JsonValue edited) {
        return new ApprovalDecision(toolCallId, decision, reason, edited);
    }

    public ApprovalDecision withReason(String text) {
        return new ApprovalDecision(toolCallId, decision, text, arguments);
    }

    JsonObject toJson() {
        var json = Json.createObjectBuilder().add("tool_call_id", toolCallId).add("decision", decision);
        if (reason != null) {
            json.add("reason", reason);
        }
        if (arguments != null) {
            json.add("arguments", arguments);
        }
        return json.build();
    }
}
