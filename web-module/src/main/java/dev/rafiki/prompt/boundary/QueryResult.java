package dev.rafiki.prompt.boundary;

import dev.rafiki.session.boundary.Views;
import dev.rafiki.session.boundary.Views.AgentUse;
import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.PromptView;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer of {@code POST /query}: the prompt, member for member as {@code GET
 * /session/{id}/prompts/{p}} shows it (one type parses both), and {@code resultUrl}, that view's
 * address, while the prompt is still pending.
 */
@Schema(description = "the prompt, member for member as PromptView (GET /session/{id}/prompts/{promptId}), and result_url while it is pending")
public record QueryResult(@Schema(required = true) UUID id, @Schema(required = true) UUID sessionId,
                          @Schema(description = Views.PROMPT_NUMBER) long number,
                          @Schema(required = true, enumeration = {"queued", "running", "waiting_approval", "completed", "failed", "cancelled"})
                          String status,
                          @Schema(required = true) String prompt, String model,
                          AgentUse agent, String answer, ErrorView error, int attempts, int steps, @Schema(required = true) Usage usage,
                          @Schema(required = true) Instant createdAt, Instant startedAt, Instant finishedAt,
                          @Schema(description = Views.PROMPT_OUTPUT) JsonValue output,
                          @Schema(description = Views.PROMPT_METADATA) JsonObject metadata,
                          @Schema(description = Views.PROMPT_APPROVALS)
                          java.util.List<dev.rafiki.session.boundary.Views.ApprovalView> approvals,
                          @Schema(description = "on 202: the PromptView's address, where the result will be") String resultUrl) {

    static QueryResult of(PromptView p, String resultUrl) {
        return new QueryResult(p.id(), p.sessionId(), p.number(), p.status(), p.prompt(), p.model(), p.agent(), p.answer(),
                p.error(), p.attempts(), p.steps(), p.usage(), p.createdAt(), p.startedAt(), p.finishedAt(), p.output(),
                p.metadata(), p.approvals(), resultUrl);
    }
}
