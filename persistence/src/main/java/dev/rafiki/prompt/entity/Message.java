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
