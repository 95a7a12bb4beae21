package dev.rafiki.job.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A background job. Its id is the id of the prompt it runs as, and its status is that prompt's:
 * a job's life is the prompt's life on the session queue, so it has the same ordering, fencing
 * and crash recovery, and there is no second status to keep in step.
 */
@Entity
@Table(name = "job")
public class Job {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String owner;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    /** The client's own JSON object, returned as given. */
    @Column(columnDefinition = "text")
    public String metadata;

    @Column(name = "webhook_url", columnDefinition = "text")
    public String webhookUrl;

    @Column(name = "webhook_secret", length = 200)
    public String webhookSecret;

    @Column(name = "progress_percent")
    public Integer progressPercent;

    @Column(name = "progress_message", columnDefinition = "text")
    public String progressMessage;

    @Column(name = "progress_at")
    public Instant progressAt;

    @Column(name = "dead_lettered_at")
    public Instant deadLetteredAt;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash", length = 64)
    public String requestHash;

    /** A delayed job's time: its prompt stays {@code scheduled} until then. */
    @Column(name = "run_at")
    public Instant runAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
