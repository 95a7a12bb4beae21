package dev.rafiki.profile.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A named agent profile of one owner; what it says is in its versions ({@link AgentProfileVersion}),
 * of which {@code latestVersion} is the one new sessions get. A shared profile (made by an
 * administrator) is visible to every user.
 */
@Entity
@Table(name = "agent_profile")
public class AgentProfile {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false, length = 100)
    public String name;

    @Column(nullable = false)
    public boolean shared;

    @Column(name = "latest_version", nullable = false)
    public int latestVersion;

    /** Set by DELETE: the profile is gone for new use, its versions stay for whoever pinned them. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
