package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.platform.text.StorableText;
import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.tool.control.ToolRuntime;
import dev.rafiki.platform.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.rafiki.platform.config.NodeIdentity;
import dev.rafiki.platform.db.SqlStates;
import dev.rafiki.platform.log.LogFields;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a session's queued prompts, one at a time and in order, while it holds the session's
 * claim. Deliberately outside any transaction: model calls may take minutes, and each step
 * commits on its own through {@link PromptLedger}.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SessionWorker {

    private static final Logger LOG = Logger.getLogger(SessionWorker.class.getName());

    @Inject
    Tracing tracing;

    @Inject
    PromptLedger ledger;

    @Inject
    ModelCatalog models;

    @Inject
    ToolRuntime tools;

    @Inject
    PromptMetrics metrics;

    @Inject
    GroupCommit commits;

    @Resource
    ManagedScheduledExecutorService timer;

    @Inject
    NodeIdentity node;

    @Inject
    AgentRuns runs;

    @Inject
    dev.rafiki.profile.control.ProfileCache profiles;

    @Inject
    RetryableRunTools jobs;

    @Inject
    PromptSettings settings;

    @Inject
    CancellationSignals signals;

    public void drain(UUID sessionId) {
        var worker = node.claimPrefix() + UUID.randomUUID();
        var lease = runs.lease();
        if (!ledger.claim(sessionId, worker, lease)) {
            return; // another worker holds the session and will see the new prompt
        }
        drainClaimed(sessionId, worker, 0);
    }

    /**
     * Ends a job's run that failed in the fast lane the way this worker ends its own (retry with
     * backoff, or fail, dead-letter and tell the webhook), then goes on with the session, whose
     * claim {@code worker} holds.
     */
    public void failedInLane(PromptLedger.RunningPrompt prompt, String worker, String code, String message,
                             AgentLoop.Outcome outcome) {
        var lease = runs.lease();
        recording(prompt, worker, lease, outcome, () -> failOrRetry(prompt, worker, lease, code, message, outcome));
        drainClaimed(prompt.sessionId(), worker, 1);
    }

    private void drainClaimed(UUID sessionId, String worker, int ran) {
        var lease = runs.lease();
        while (true) {
            if (ran >= settings.batch) {
                ledger.handOver(sessionId, worker);
                return;
            }
            var next = ledger.startNext(sessionId, worker, lease, settings.maxAttempts);
            switch (next.kind()) {
                case LOST:
                    return;
                case SKIPPED:
                    continue;
                case RUN:
                    if (!traced(next.prompt(), worker, lease)) {
                        // a database or broker outage interrupted it: the prompt stays running and is
                        // resumed by the next claim, at once if the outage is already over, else after the lease
                        try {
                            ledger.handOver(sessionId, worker);
                        } catch (RuntimeException stillDown) {
                            LOG.log(Level.FINE, "hand-over failed; the session resumes after its lease", stillDown);
                        }
                        return;
                    }
                    ran++;
                    continue;
                case EMPTY:
                default:
                    if (!ledger.release(sessionId, worker)) {
                        continue; // a prompt arrived meanwhile
                    }
                    // A wake-up that raced the release may have been dropped: look once more.
                    if (!ledger.hasPending(sessionId) || !ledger.claim(sessionId, worker, lease)) {
                        return;
                    }
            }
        }
    }

    /** The run as a span of the trace of the request that queued the prompt, whichever node queued it. */
    private boolean traced(PromptLedger.RunningPrompt prompt, String worker, Duration lease) {
        var parent = prompt.traceParent() != null ? tracing.parent(prompt.traceParent()) : tracing.current();
        var span = tracing.start("rafiki.prompt.run", SpanKind.INTERNAL, parent, prompt.sessionId(), prompt.id());
        span.setAttribute("rafiki.path", "durable");
        try (var ignored = span.makeCurrent()) {
            return run(prompt, worker, lease);
        } finally {
            span.end();
        }
    }

    /** @return false when an outage of the database or the broker interrupted the prompt */
    private boolean run(PromptLedger.RunningPrompt prompt, String worker, Duration lease) {
        var model = models.resolve(prompt.model());
        if (model == null) {
            ledger.fail(prompt.id(), worker, "unknown-model", "no model '" + prompt.model() + "' is configured; use "
                    + models.describe(), null);
            return true;
        }
        var profile = profiles.spec(prompt.agentId(), prompt.agentVersion());
        var mcpServers = tools.mcpServers(prompt.agentId(), profile.mcpServers());
        var workspace = tools.forSession(prompt.sessionId(), mcpServers);
        AgentLoop.Tools runTools = workspace::call;
        var specs = tools.specs(mcpServers);
        if (prompt.retryable()) {
            runTools = jobs.tools(runTools, prompt, worker);
            specs = jobs.specs(specs);
        }
        var events = new ClaimedEvents(commits, prompt.sessionId(), prompt.owner(), worker, null);
        var tools = runTools;
        // a tool may log events of its own (a job's artifacts, progress): the run's events come first
        AgentLoop.Tools ordered = new AgentLoop.Tools() {
            @Override
            public dev.rafiki.tool.control.ToolResult call(String name, String arguments,
                                                           java.util.function.BooleanSupplier stop) {
                events.awaitDurable();
                return tools.call(name, arguments, stop);
            }

            @Override
            public dev.rafiki.tool.control.ToolResult call(dev.rafiki.agent.model.ToolCall call,
                                                           java.util.function.BooleanSupplier stop) {
                events.awaitDurable();
                return tools.call(call, stop);
            }
        };
        var loop = runs.loop(model, specs, ordered, profile,
                prompt.owner(), prompt.agentId(), prompt.outputSchema(), prompt.approval());
        var cancelled = signals.register(prompt.id());
        long beat = Math.max(1, lease.toSeconds() / 3);
        // a long run keeps its claim alive; a dead worker's lease simply runs out
        var heartbeat = timer.scheduleAtFixedRate(() -> {
            // an exception would end the schedule for good: a database outage must not stop the beat
            try {
                ledger.extend(prompt.sessionId(), worker, lease);
                if (!ledger.isRunning(prompt.id())) {
                    cancelled.set(true); // cancelled on a node whose announcement did not reach us
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "heartbeat of prompt " + prompt.id() + " failed; next beat retries", e);
            }
        }, beat, beat, TimeUnit.SECONDS);
        AgentLoop.Outcome outcome;
        var eventing = new PromptEventListener(events, prompt.id());
        try {
            outcome = loop.run(prompt.history(), prompt.resume(), eventing, cancelled::get);
            eventing.flush();
            // the prompt's end is numbered after its events: they must be in the log first
            events.awaitDurable();
        } catch (RuntimeException e) {
            if (outage(e)) {
                // not the prompt's fault: failing it would lose it; it runs again once the service is back
                LOG.warning(() -> "prompt " + prompt.id() + " interrupted by a database or broker outage ("
                        + e.getMessage() + "); it will be resumed");
                return false;
            }
            LogFields.log(LOG, Level.WARNING, "a prompt failed in the agent runtime", e,
                    LogFields.SESSION_ID, prompt.sessionId(), LogFields.PROMPT_ID, prompt.id());
            var refused = SqlStates.dataRefusal(e);
            if (refused != null) {
                // what the run produced so far could not be stored: running it again would repeat its tools
                failOrRetry(prompt, worker, lease, PromptLedger.RECORD_FAILED, PromptLedger.recordFailed(refused), null);
            } else {
                failOrRetry(prompt, worker, lease, "agent-error",
                        StorableText.of("the agent runtime failed: " + e.getMessage()), null);
            }
            return true;
        } finally {
            heartbeat.cancel(false);
            signals.unregister(prompt.id());
        }
        metrics.tokens(model.name(), outcome.inputTokens(), outcome.outputTokens());
        var ended = outcome;
        recording(prompt, worker, lease, outcome, () -> {
            if (ended.waiting()) {
                // parks the session's claim on the prompt: this worker's next look finds the session lost
                ledger.pause(prompt.id(), worker, ended);
            } else if (ended.errorCode() == null) {
                if (!ledger.complete(prompt.id(), worker, ended, loop.structured())) {
                    ledger.keepPartial(prompt.id(), ended.answer());
                }
            } else if (ended.cancelled()) {
                ledger.keepPartial(prompt.id(), ended.answer());
            } else {
                failOrRetry(prompt, worker, lease, ended.errorCode(), ended.errorMessage(), ended);
            }
        });
        return true;
    }

    /**
     * Records how a run ended. If the database refuses what the run produced, the prompt fails
     * with {@link PromptLedger#RECORD_FAILED} and only its costs are kept: resuming or retrying
     * it would run its tools, and their side effects, once more, and be refused again.
     */
    private void recording(PromptLedger.RunningPrompt prompt, String worker, Duration lease, AgentLoop.Outcome outcome,
                           Runnable record) {
        try {
            record.run();
        } catch (RuntimeException e) {
            var refused = SqlStates.dataRefusal(e);
            if (refused == null) {
                throw e;
            }
            LogFields.log(LOG, Level.WARNING, "the database refused what a prompt produced; the prompt fails", e,
                    LogFields.SESSION_ID, prompt.sessionId(), LogFields.PROMPT_ID, prompt.id());
            failOrRetry(prompt, worker, lease, PromptLedger.RECORD_FAILED, PromptLedger.recordFailed(refused),
                    outcome == null ? null : outcome.costsOnly());
        }
    }

    /**
     * A prompt with a retry budget (a job) goes back to the head of its queue after a failure
     * worth retrying; the worker keeps the session through the pause, so nothing else of the
     * session overtakes it.
     */
    private void failOrRetry(PromptLedger.RunningPrompt prompt, String worker, Duration lease, String code,
                             String message, AgentLoop.Outcome outcome) {
        if (prompt.retryable() && Retries.retryable(code)) {
            var pause = Retries.backoff(prompt.attempt(), Duration.ofMillis(settings.jobRetryBackoffMillis),
                    Duration.ofMillis(settings.jobMaxRetryBackoffMillis));
            if (ledger.retry(prompt.id(), worker, code, message, outcome, pause)) {
                pauseHolding(prompt.sessionId(), worker, lease, pause);
                return;
            }
        }
        if (!ledger.fail(prompt.id(), worker, code, message, outcome) && outcome != null) {
            ledger.keepPartial(prompt.id(), outcome.answer());
        }
    }

    /** A failure of the infrastructure (database, broker) rather than of the prompt or its model. */
    static boolean outage(Throwable e) {
        if (SqlStates.dataRefusal(e) != null) {
            return false; // the database answered: it will not take this data, now or later
        }
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException || cause instanceof jakarta.jms.JMSException
                    || cause instanceof jakarta.persistence.PersistenceException) {
                return true;
            }
        }
        return false;
    }

    private void pauseHolding(java.util.UUID sessionId, String worker, Duration lease, Duration pause) {
        long end = System.nanoTime() + pause.toNanos();
        long slice = Math.max(100, lease.toMillis() / 3);
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(slice, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                if (!ledger.extend(sessionId, worker, lease)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
