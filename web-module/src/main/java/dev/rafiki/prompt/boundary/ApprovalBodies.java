package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.control.ToolApprovals;
import dev.rafiki.session.boundary.Views.ApprovalView;
import jakarta.json.JsonObject;
import java.util.UUID;

/** A decision on a tool call as clients send it: the body of {@code POST …/approvals} or a {@code /query_stream} frame. */
public final class ApprovalBodies {

    private ApprovalBodies() {
    }

    /** Checks the decision, then records it (see {@code Prompts.decide}). */
    public static ApprovalView decide(Prompts prompts, String owner, UUID sessionId, UUID promptId, JsonObject body) {
        var toolCallId = Bodies.string(body, "tool_call_id", true, 200);
        var decision = Bodies.string(body, "decision", true, 10);
        if (!ToolApprovals.APPROVE.equals(decision) && !ToolApprovals.DENY.equals(decision)) {
            throw ApiException.invalid("'decision' must be approve or deny");
        }
        var reason = Bodies.string(body, "reason", false, 2000);
        var arguments = ToolApprovals.arguments(body.get("arguments"));
        if (arguments != null && ToolApprovals.DENY.equals(decision)) {
            throw ApiException.invalid("'arguments' go with approve: a denied call does not run");
        }
        return prompts.decide(owner, sessionId, promptId, toolCallId, decision, reason, arguments);
    }
}
