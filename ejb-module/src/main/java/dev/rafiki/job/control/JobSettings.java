package dev.rafiki.job.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Jobs, their artifacts and their webhooks. The pauses between a job's attempts are the prompt
 * feature's ({@code PromptSettings}): its worker runs the retries.
 */
@Dependent
public class JobSettings {

    /** Attempts (retryable failures and crashes) before a job fails and is dead-lettered. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.max-attempts", defaultValue = "3")
    public int maxAttempts;

    /** How far ahead a job's {@code run_at} may be. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.max-delay", defaultValue = "P365D")
    public Duration maxDelay;

    /** How often each node queues the delayed jobs that are due. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.release-poll-ms", defaultValue = "1000")
    public long releasePollMillis;

    /** Delayed jobs a user may have waiting. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.max-scheduled-per-user", defaultValue = "1000")
    public int maxScheduledPerUser;

    /** How long a letter stays on the dead-letter queue. */
    @Inject
    @ConfigProperty(name = "rafiki.jobs.dead-letter-ttl", defaultValue = "P30D")
    public Duration deadLetterTtl;

    /** Artifacts older than this are removed; zero keeps them. */
    @Inject
    @ConfigProperty(name = "rafiki.artifacts.retention", defaultValue = "P30D")
    public Duration artifactRetention;

    /** Largest artifact (64 MiB). */
    @Inject
    @ConfigProperty(name = "rafiki.artifacts.max-bytes", defaultValue = "67108864")
    public long maxArtifactBytes;

    /** Delivery attempts of one webhook message. */
    @Inject
    @ConfigProperty(name = "rafiki.webhooks.max-attempts", defaultValue = "8")
    public int webhookMaxAttempts;

    /** Pause after a webhook's first failed attempt; doubles each time. */
    @Inject
    @ConfigProperty(name = "rafiki.webhooks.backoff-ms", defaultValue = "2000")
    public long webhookBackoffMillis;

    /** Longest pause between a webhook's attempts. */
    @Inject
    @ConfigProperty(name = "rafiki.webhooks.max-backoff-ms", defaultValue = "3600000")
    public long webhookMaxBackoffMillis;

    /** Time a receiver has to answer. */
    @Inject
    @ConfigProperty(name = "rafiki.webhooks.timeout-seconds", defaultValue = "10")
    public long webhookTimeoutSeconds;

    /** How often each node looks for due deliveries (a job's end also triggers one). */
    @Inject
    @ConfigProperty(name = "rafiki.webhooks.poll-ms", defaultValue = "1000")
    public long webhookPollMillis;

    /** Off by default: a webhook URL must not reach into this machine or its network. */
    @Inject
    @ConfigProperty(name = "rafiki.webhooks.allow-private-networks", defaultValue = "false")
    public boolean webhookAllowPrivateNetworks;
}
