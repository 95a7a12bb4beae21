package dev.rafiki.prompt.boundary;

import dev.rafiki.session.boundary.Views.AgentUse;
import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.PromptView;
import dev.rafiki.session.boundary.Views.Usage;
import java.time.Instant;
import java.util.UUID;

/** The answer of {@code POST /query}; {@code resultUrl} is set while the prompt is still pending. */
public record QueryResult(UUID sessionId, UUID promptId, long seq, String status, AgentUse agent, String answer,
                          ErrorView error, Usage usage, int attempts, Instant createdAt, Instant startedAt,
                          Instant finishedAt, String resultUrl, jakarta.json.JsonValue output,
                          jakarta.json.JsonObject metadata) {

    static QueryResult of(PromptView p, String resultUrl) {
        return new QueryResult(p.sessionId(), p.id(), p.seq(), p.status(), p.agent(), p.answer(), p.error(), p.usage(),
                p.attempts(), p.createdAt(), p.startedAt(), p.finishedAt(), resultUrl, p.output(), p.metadata());
    }
}
