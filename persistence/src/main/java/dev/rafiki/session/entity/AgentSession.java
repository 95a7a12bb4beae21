package dev.rafiki.session.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A conversation owned by one user. Besides its descriptive fields it carries the per-session
 * prompt counter ({@code nextSeq}) and the worker claim that makes prompts of one session run one
 * at a time. Columns changed only by SQL updates (counters, claim, event sequence) are read-only
 * here, so that flushing this entity can never write back a stale value over them.
 */
@Entity
@Table(name = "agent_session")
public class AgentSession {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String owner;

    @Column(length = 500)
    public String title;

    @Column(nullable = false, length = 200)
    public String model;

    @Column(columnDefinition = "text")
    public String metadata;

    @Column(name = "next_seq", nullable = false)
    public long nextSeq;

    @Column(name = "prompt_count", nullable = false)
    public long promptCount;

    @Column(name = "message_count", nullable = false, insertable = false, updatable = false)
    public long messageCount;

    @Column(name = "input_tokens", nullable = false, insertable = false, updatable = false)
    public long inputTokens;

    @Column(name = "output_tokens", nullable = false, insertable = false, updatable = false)
    public long outputTokens;

    @Column(name = "tool_calls", nullable = false, insertable = false, updatable = false)
    public long toolCalls;

    @Column(name = "tool_millis", nullable = false, insertable = false, updatable = false)
    public long toolMillis;

    @Column(name = "next_event_seq", nullable = false, insertable = false, updatable = false)
    public long nextEventSeq;

    @Column(length = 200, insertable = false, updatable = false)
    public String worker;

    @Column(name = "claim_expires_at", insertable = false, updatable = false)
    public Instant claimExpiresAt;

    /** The agent profile version this runs with (pinned when it was created), or null for none. */
    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "agent_version")
    public Integer agentVersion;

    /** The session this one was forked from, and the last message of its history it copied; null when not a fork. */
    @Column(name = "forked_from_session")
    public UUID forkedFromSession;

    @Column(name = "forked_from_message")
    public Long forkedFromMessage;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static AgentSession create(String owner, String title, String model, String metadata) {
        var session = new AgentSession();
        session.id = UUID.randomUUID();
        session.owner = owner;
        session.title = title;
        session.model = model;
        session.metadata = metadata;
        session.createdAt = Instant.now();
        session.updatedAt = session.createdAt;
        return session;
    }
}
