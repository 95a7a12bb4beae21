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
 * One entry of a session's history. Messages are written while the session's single worker runs
 * its prompts, so the identity order is the conversation order.
 */
@Entity
@Table(name = "message")
public class Message {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(name = "prompt_id", nullable = false)
    public UUID promptId;

    @Column(nullable = false, length = 16)
    public String role;

    @Column(nullable = false, columnDefinition = "text")
    public String content;

    /** On assistant messages: the tool calls of that turn, a JSON array of {id, name, arguments}. */
    @Column(name = "tool_calls", columnDefinition = "text")
    public String toolCalls;

    /** On tool messages: the call this is the result of. */
    @Column(name = "tool_call_id", length = 200)
    public String toolCallId;

    /** On tool messages: the tool failed. */
    @Column(name = "is_error", nullable = false)
    public boolean error;

    /** True when the prompt was cancelled or failed before the model finished this message. */
    @Column(nullable = false)
    public boolean partial;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static Message of(UUID sessionId, UUID promptId, String role, String content, boolean partial) {
        var message = new Message();
        message.sessionId = sessionId;
        message.promptId = promptId;
        message.role = role;
        message.content = content;
        message.partial = partial;
        message.createdAt = Instant.now();
        return message;
    }
}
