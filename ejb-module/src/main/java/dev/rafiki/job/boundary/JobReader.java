package dev.rafiki.job.boundary;

import dev.rafiki.job.boundary.JobViews.ArtifactView;
import dev.rafiki.job.boundary.JobViews.JobView;
import dev.rafiki.job.boundary.JobViews.Links;
import dev.rafiki.job.boundary.JobViews.Progress;
import dev.rafiki.job.boundary.JobViews.WebhookView;
import dev.rafiki.job.control.ArtifactStore;
import dev.rafiki.job.control.WebhookOutbox;
import dev.rafiki.job.entity.Job;
import dev.rafiki.prompt.entity.Prompt;
import dev.rafiki.prompt.entity.PromptStatus;
import dev.rafiki.session.boundary.Views.ErrorView;
import dev.rafiki.session.boundary.Views.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/** Puts a job's view together from its row, its prompt, its artifacts and its webhook deliveries. */
@ApplicationScoped
public class JobReader {

    @Inject
    ArtifactStore artifacts;

    @Inject
    WebhookOutbox outbox;

    public JobView view(Job job, Prompt prompt, int defaultMaxAttempts, boolean withDeliveries) {
        // one vocabulary: a job's status is its prompt's
        var status = prompt.status.wire();
        var error = prompt.errorCode == null ? null : new ErrorView(prompt.errorCode, prompt.errorMessage);
        var progress = job.progressPercent == null ? null
                : new Progress(job.progressPercent, job.progressMessage, job.progressAt);
        var files = artifacts(job.id);
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
