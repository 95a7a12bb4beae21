package dev.rafiki.schedule.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A cron expression in a time zone that creates a job at each tick. {@code nextFireAt} is the
 * next tick nobody has handled yet; whoever handles it moves it on in the same transaction that
 * records the tick's run, so a tick is handled once however many nodes look.
 */
@Entity
@Table(name = "schedule")
public class Schedule {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false, length = 200)
    public String cron;

    @Column(nullable = false, length = 64)
    public String timezone;

    @Column(nullable = false, columnDefinition = "text")
    public String prompt;

    @Column(length = 200)
    public String model;

    /** The session every run joins; null: each run gets a new session of its own. */
    @Column(name = "session_id")
    public UUID sessionId;

    @Column(name = "webhook_url", columnDefinition = "text")
    public String webhookUrl;

    @Column(name = "webhook_secret", length = 200)
    public String webhookSecret;

    /** The client's own JSON object, given to every run. */
    @Column(columnDefinition = "text")
    public String metadata;

    /** {@code skip} or {@code run_once}: what a node that finds ticks missed does. */
    @Column(nullable = false, length = 16)
    public String missed;

    @Column(nullable = false)
    public boolean paused;

    /** Null once the expression has no further tick. */
    @Column(name = "next_fire_at")
    public Instant nextFireAt;

    @Column(name = "last_fired_at")
    public Instant lastFiredAt;

    /** Why the last tick created no job (the session's queue was full, the model is gone, ...). */
    @Column(name = "last_error", columnDefinition = "text")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
