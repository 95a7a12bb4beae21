package dev.rafiki.job.boundary;

import dev.rafiki.job.boundary.JobViews.ArtifactView;
import dev.rafiki.job.boundary.JobViews.JobView;
import dev.rafiki.job.boundary.JobViews.Links;
import dev.rafiki.job.boundary.JobViews.Progress;
import dev.rafiki.job.boundary.JobViews.WebhookView;
import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.job.control.JobSettings;
import dev.rafiki.job.control.WebhookOutbox;
import dev.rafiki.job.entity.Job;
import dev.rafiki.platform.db.SchemaMigrator;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.control.PromptSnapshot;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Puts a job's view together from its row, its prompt, its artifacts and its webhook deliveries. */
@ApplicationScoped
public class JobReader {

    @Inject
    ArtifactStore artifacts;

    @Inject
    JobSettings settings;

    @Inject
    WebhookOutbox outbox;

    @Resource(lookup = SchemaMigrator.DATA_SOURCE)
    DataSource dataSource;

    /** A job's row, its prompt's and its artifacts', as one read found them. */
    public record Loaded(Job job, Prompt prompt, List<ArtifactStore.Meta> artifacts) {
    }

    /**
     * The job, its prompt and its artifacts in one statement, on a connection of its own. Every
     * poll of a job reads this: through JPA it was a query planned by Hibernate and a second one,
     * through another bean, for the artifacts (together about a quarter of the job row's request
     * CPU). Only for callers outside a transaction: a caller's own unflushed changes are not seen.
     */
    public Optional<Loaded> load(UUID jobId) {
        try (var c = dataSource.getConnection(); var select = c.prepareStatement(LOAD)) {
            select.setObject(1, jobId);
            try (var rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                var job = job(jobId, rows);
                var prompt = prompt(jobId, rows);
                var files = new ArrayList<ArtifactStore.Meta>();
                do {
                    if (rows.getString("a_name") != null) {
                        files.add(new ArtifactStore.Meta(rows.getString("a_name"), rows.getString("a_type"),
                                rows.getLong("a_size"), rows.getString("a_sha"), rows.getString("a_call"),
                                (Long) rows.getObject("a_event"), instant(rows, "a_at")));
                    }
                } while (rows.next());
                return Optional.of(new Loaded(job, prompt, files));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read job " + jobId, e);
        }
    }

    private static final String LOAD = """
            SELECT j.owner, j.session_id, j.metadata, j.webhook_url, j.progress_percent, j.progress_message,
            j.progress_at, j.dead_lettered_at, j.run_at, j.created_at,
            p.status, p.content, p.model, p.agent_id, p.agent_version, p.answer, p.structured, p.error_code,
            p.error_message, p.input_tokens, p.output_tokens, p.tool_calls, p.tool_millis, p.attempts, p.max_attempts,
            p.started_at, p.finished_at,
            a.name AS a_name, a.content_type AS a_type, a.size AS a_size, a.sha256 AS a_sha, a.tool_call_id AS a_call,
            a.event_seq AS a_event, a.created_at AS a_at
            FROM job j JOIN prompt p ON p.id = j.id LEFT JOIN artifact a ON a.prompt_id = j.id
            WHERE j.id = ? ORDER BY a.name""";

    private static Job job(UUID id, ResultSet row) throws SQLException {
        var job = new Job();
        job.id = id;
        job.owner = row.getString("owner");
        job.sessionId = row.getObject("session_id", UUID.class);
        job.metadata = row.getString("metadata");
        job.webhookUrl = row.getString("webhook_url");
        job.progressPercent = (Integer) row.getObject("progress_percent");
        job.progressMessage = row.getString("progress_message");
        job.progressAt = instant(row, "progress_at");
        job.deadLetteredAt = instant(row, "dead_lettered_at");
        job.runAt = instant(row, "run_at");
        job.createdAt = instant(row, "created_at");
        return job;
    }

    private static Prompt prompt(UUID id, ResultSet row) throws SQLException {
        var prompt = new Prompt();
        prompt.id = id;
        prompt.status = PromptStatus.valueOf(row.getString("status").toUpperCase(java.util.Locale.ROOT));
        prompt.content = row.getString("content");
        prompt.model = row.getString("model");
        prompt.agentId = row.getObject("agent_id", UUID.class);
        prompt.agentVersion = (Integer) row.getObject("agent_version");
        prompt.answer = row.getString("answer");
        prompt.structured = row.getBoolean("structured");
        prompt.errorCode = row.getString("error_code");
        prompt.errorMessage = row.getString("error_message");
        prompt.inputTokens = row.getLong("input_tokens");
        prompt.outputTokens = row.getLong("output_tokens");
        prompt.toolCalls = row.getInt("tool_calls");
        prompt.toolMillis = row.getLong("tool_millis");
        prompt.attempts = row.getInt("attempts");
        prompt.maxAttempts = (Integer) row.getObject("max_attempts");
        prompt.startedAt = instant(row, "started_at");
        prompt.finishedAt = instant(row, "finished_at");
        return prompt;
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        var at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /**
     * The caller's job as read now, outside any transaction: every poll of {@code GET /jobs/{id}}
     * comes here straight from the resource, without an EJB's interceptors (a CDI bean).
     */
    public JobView get(String owner, UUID jobId) {
        var loaded = load(jobId).filter(found -> found.job().owner.equals(owner))
                .orElseThrow(() -> ApiException.notFound("job " + jobId));
        return view(loaded, settings.maxAttempts);
    }

    /**
     * The view of a job the fast lane has just written, from what it wrote: a job without webhook,
     * delay, progress or artifacts yet (its tools wait for this commit), so the view a read right
     * after the commit would give, without that read.
     */
    public JobView written(String owner, String metadata, int maxAttempts, PromptSnapshot accepted) {
        var job = new Job();
        job.id = accepted.id();
        job.owner = owner;
        job.sessionId = accepted.sessionId();
        job.metadata = metadata;
        job.createdAt = accepted.createdAt();
        var prompt = new Prompt();
        prompt.id = accepted.id();
        prompt.status = PromptStatus.valueOf(accepted.status().toUpperCase(java.util.Locale.ROOT));
        prompt.content = accepted.content();
        prompt.model = accepted.model();
        prompt.agentId = accepted.agentId();
        prompt.agentVersion = accepted.agentVersion();
        prompt.answer = accepted.answer();
        prompt.structured = accepted.structured();
        prompt.errorCode = accepted.errorCode();
        prompt.errorMessage = accepted.errorMessage();
        prompt.inputTokens = accepted.inputTokens();
        prompt.outputTokens = accepted.outputTokens();
        prompt.toolCalls = accepted.toolCalls();
        prompt.toolMillis = accepted.toolMillis();
        prompt.attempts = accepted.attempts();
        prompt.maxAttempts = maxAttempts;
        prompt.startedAt = accepted.startedAt();
        prompt.finishedAt = accepted.finishedAt();
        return view(job, prompt, List.of(), maxAttempts, false);
    }

    public JobView view(Loaded loaded, int defaultMaxAttempts) {
        return view(loaded.job(), loaded.prompt(), loaded.artifacts().stream().map(a -> view(loaded.job().id, a)).toList(),
                defaultMaxAttempts, true);
    }

    public JobView view(Job job, Prompt prompt, int defaultMaxAttempts, boolean withDeliveries) {
        return view(job, prompt, artifacts(job.id), defaultMaxAttempts, withDeliveries);
    }

    private JobView view(Job job, Prompt prompt, List<ArtifactView> files, int defaultMaxAttempts, boolean withDeliveries) {
        // one vocabulary: a job's status is its prompt's
        var status = prompt.status.wire();
        var error = prompt.errorCode == null ? null : new ErrorView(prompt.errorCode, prompt.errorMessage);
        var progress = job.progressPercent == null ? null
                : new Progress(job.progressPercent, job.progressMessage, job.progressAt);
        // an answer only once completed: a failed run's partial one stays in the session's history
        boolean completed = prompt.status == PromptStatus.COMPLETED;
        var webhook = job.webhookUrl == null ? null
                : new WebhookView(job.webhookUrl, null, withDeliveries ? outbox.deliveries(job.id) : null);
        return new JobView(job.id, status, job.sessionId, prompt.content, prompt.model,
                dev.rafiki.session.boundary.Views.AgentUse.of(prompt.agentId, prompt.agentVersion), progress,
                completed ? prompt.answer : null,
                completed ? dev.rafiki.session.boundary.Views.output(prompt.structured, prompt.answer) : null,
                prompt.status.terminal() ? error : null, prompt.status.terminal() ? null : error,
                Usage.of(prompt.inputTokens, prompt.outputTokens, prompt.toolCalls, prompt.toolMillis), prompt.attempts,
                prompt.maxAttempts == null ? defaultMaxAttempts : prompt.maxAttempts, job.deadLetteredAt,
                dev.rafiki.session.boundary.Views.metadata(job.metadata), job.runAt, job.createdAt, prompt.startedAt, prompt.finishedAt, files, webhook,
                Links.of(job.id));
    }

    public java.util.List<ArtifactView> artifacts(UUID jobId) {
        return artifacts.list(jobId).stream().map(a -> view(jobId, a)).toList();
    }

    public java.util.List<ArtifactView> artifacts(UUID jobId, String afterName, boolean descending, int limit) {
        return artifacts.page(jobId, afterName, descending, limit).stream().map(a -> view(jobId, a)).toList();
    }

    private static ArtifactView view(UUID jobId, ArtifactStore.Meta a) {
        return new ArtifactView(a.name(), a.size(), a.contentType(), a.sha256(), "/jobs/" + jobId + "/artifacts/" + a.name(),
                a.toolCallId(), a.eventSeq(), a.createdAt());
    }


}
