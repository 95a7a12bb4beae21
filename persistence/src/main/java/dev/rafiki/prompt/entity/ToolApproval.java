package dev.rafiki.prompt.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A tool call that waited for a person's decision, and the decision. The row's {@code status} is
 * the truth every node decides on: {@code pending} until a person approves or denies it, the
 * request expires, or its prompt is stopped.
 */
@Entity
@Table(name = "tool_approval")
public class ToolApproval {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String EXPIRED = "expired";
    public static final String CANCELLED = "cancelled";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "prompt_id", nullable = false)
    public UUID promptId;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(nullable = false)
    public String owner;

    /** The assistant turn that asked for the call. */
    @Column(name = "message_id", nullable = false)
    public long messageId;

    @Column(name = "tool_call_id", nullable = false, length = 200)
    public String toolCallId;

    @Column(nullable = false, length = 200)
    public String tool;

    /** As the model asked, JSON text. */
    @Column(nullable = false, columnDefinition = "text")
    public String arguments;

    @Column(nullable = false, length = 16)
    public String status;

    /** The arguments a person approved the call with, when they edited them; JSON text. */
    @Column(name = "decided_arguments", columnDefinition = "text")
    public String decidedArguments;

    @Column(columnDefinition = "text")
    public String reason;

    /** Who decided; null when the request expired or its prompt was stopped. */
    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    public boolean pending() {
        return PENDING.equals(status);
    }
}
