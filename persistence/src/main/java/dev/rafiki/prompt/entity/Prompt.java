package dev.rafiki.prompt.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One prompt of a session, and at the same time its place in the session's queue: prompts run in
 * {@code seq} order, and a prompt is accepted once this row is committed.
 */
@Entity
@Table(name = "prompt")
public class Prompt {

    @Id
    public UUID id;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(nullable = false)
    public long seq;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false, columnDefinition = "text")
    public String content;

    @Column(nullable = false, length = 16)
    @Convert(converter = PromptStatusConverter.class)
    public PromptStatus status;

    @Column(columnDefinition = "text")
    public String answer;

    @Column(name = "error_code", length = 64)
    public String errorCode;

    @Column(name = "error_message", columnDefinition = "text")
    public String errorMessage;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash", length = 64)
    public String requestHash;

    @Column(nullable = false)
    public int attempts;

    /** The W3C traceparent of the request that queued the prompt; null when it was not traced. */
    @Column(name = "trace_parent", length = 55)
    public String traceParent;

    /** A retry budget (jobs): failures worth retrying start the prompt again until it is spent. */
    @Column(name = "max_attempts")
    public Integer maxAttempts;

    /** The model this prompt runs with, when the request chose one; else the session's. */
    @Column(length = 200)
    public String model;

    /** The agent profile version this prompt runs with: the one its request named, else its session's; null for none. */
    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "agent_version")
    public Integer agentVersion;

    /** The JSON Schema the request gave for the answer; null when it gave none (a profile's may still apply). */
    @Column(name = "output_schema", columnDefinition = "text")
    public String outputSchema;

    /**
     * The approval rules the request gave (a JSON object as text), on top of its profile's; null
     * for none. Read again whenever the prompt runs, resumed after an approval included.
     */
    @Column(columnDefinition = "text")
    public String approval;

    /** The client's metadata (a JSON object as text) from the request that created the prompt; null for none. */
    @Column(columnDefinition = "text")
    public String metadata;

    /** The answer is JSON that followed the prompt's output schema. */
    @Column(nullable = false)
    public boolean structured;

    @Column(name = "tool_calls", nullable = false)
    public int toolCalls;

    @Column(name = "tool_millis", nullable = false)
    public long toolMillis;

    @Column(nullable = false)
    public int steps;

    @Column(name = "input_tokens", nullable = false)
    public long inputTokens;

    @Column(name = "output_tokens", nullable = false)
    public long outputTokens;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
