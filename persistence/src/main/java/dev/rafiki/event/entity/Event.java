package dev.rafiki.event.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the event log. {@code seq} numbers a session's events, {@code userSeq} a user's;
 * both are gap-free in commit order, which is what lets a stream resume from a cursor.
 */
@Entity
@Table(name = "event")
public class Event {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String owner;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(nullable = false)
    public long seq;

    @Column(name = "user_seq", nullable = false)
    public long userSeq;

    @Column(name = "prompt_id")
    public UUID promptId;

    @Column(nullable = false, length = 64)
    public String type;

    /** The event's payload, a JSON object. */
    @Column(nullable = false, columnDefinition = "text")
    public String data;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
