package dev.rafiki.prompt.boundary;

import dev.rafiki.session.boundary.Views.AgentUse;
import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.PromptView;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.UUID;

/**
 * The answer of {@code POST /query}: the prompt, member for member as {@code GET
 * /session/{id}/prompts/{p}} shows it (one type parses both), and {@code resultUrl}, that view's
 * address, while the prompt is still pending.
 */
public record QueryResult(UUID id, UUID sessionId, long number, String status, String prompt, String model,
                          AgentUse agent, String answer, ErrorView error, int attempts, int steps, Usage usage,
                          Instant createdAt, Instant startedAt, Instant finishedAt, JsonValue output,
                          JsonObject metadata, java.util.List<dev.rafiki.session.boundary.Views.ApprovalView> approvals,
                          String resultUrl) {

    static QueryResult of(PromptView p, String resultUrl) {
        return new QueryResult(p.id(), p.sessionId(), p.number(), p.status(), p.prompt(), p.model(), p.agent(), p.answer(),
                p.error(), p.attempts(), p.steps(), p.usage(), p.createdAt(), p.startedAt(), p.finishedAt(), p.output(),
                p.metadata(), p.approvals(), resultUrl);
    }
}
