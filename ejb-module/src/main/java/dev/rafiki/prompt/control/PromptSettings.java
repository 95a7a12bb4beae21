package dev.rafiki.prompt.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Prompts: what is accepted, how the fast lane and the durable queue run them, how long a prompt
 * waits for a person. Also the pauses between a job's attempts, since this feature's worker runs
 * the retries.
 */
@Dependent
public class PromptSettings {

    /** Longest prompt, in characters. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.max-length", defaultValue = "100000")
    public int maxLength;

    /** How long a worker's claim on a session lasts without renewal: a crashed worker's session resumes after it. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.claim-lease-seconds", defaultValue = "30")
    public long claimLeaseSeconds;

    /** Prompts a worker runs for one session before letting other sessions have a turn. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.batch", defaultValue = "8")
    public int batch;

    /** A prompt started this often without finishing (crashes) fails with {@code too-many-attempts}. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.max-attempts", defaultValue = "3")
    public int maxAttempts;

    /** How often pending work without a live worker is dispatched again (a lost wake-up costs at most this). */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.sweep-interval-ms", defaultValue = "5000")
    public long sweepIntervalMillis;

    /** Off: every prompt takes the durable queue. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.fast-lane", defaultValue = "true")
    public boolean fastLane;

    /** Prompts the fast lane runs at once on a node; beyond, prompts take the durable queue. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.fast-lane-threads", defaultValue = "64")
    public int fastLaneThreads;

    /** Idle sessions whose state (counters, history) a node keeps in memory. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.fast-lane-sessions", defaultValue = "10000")
    public int fastLaneSessions;

    /** A run that takes longer than this is accepted on its own, so its stream and its claim start. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.fast-lane-hold-ms", defaultValue = "5")
    public long fastLaneHoldMillis;

    /** Most units (one session's writes each) in one group-commit transaction. */
    @Inject
    @ConfigProperty(name = "rafiki.prompt.group-commit-max-units", defaultValue = "256")
    public int groupCommitMaxUnits;

    /** Longest {@code POST /query} wait before it answers {@code 202}. */
    @Inject
    @ConfigProperty(name = "rafiki.query.wait-timeout-seconds", defaultValue = "60")
    public long queryWaitSeconds;

    /** Prompts waiting per session before {@code 409 queue-full}. */
    @Inject
    @ConfigProperty(name = "rafiki.session.max-queue", defaultValue = "100")
    public int maxQueue;

    /** How long a tool call waits for a person's decision; then it is denied ({@code expired}). */
    @Inject
    @ConfigProperty(name = "rafiki.approvals.timeout", defaultValue = "PT1H")
    public Duration approvalTimeout;

    /** How often each node looks for expired approval requests. */
    @Inject
    @ConfigProperty(name = "rafiki.approvals.expiry-poll-ms", defaultValue = "1000")
    public long approvalExpiryPollMillis;

    /** Pause before a job's second attempt; doubles each time. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.retry-backoff-ms", defaultValue = "2000")
    public long jobRetryBackoffMillis;

    /** Longest pause between a job's attempts. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.max-retry-backoff-ms", defaultValue = "60000")
    public long jobMaxRetryBackoffMillis;
}
