package dev.rafiki.profile.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One version of a profile. Never changed once written: sessions and prompts pin it, nodes cache it. */
@Entity
@Table(name = "agent_profile_version")
@IdClass(AgentProfileVersion.Key.class)
public class AgentProfileVersion {

    /** The primary key (profile, version); a plain class, as JPA asks of an id class. */
    public static class Key implements Serializable {
        public UUID profileId;
        public int version;

        public Key() {
        }

        public Key(UUID profileId, int version) {
            this.profileId = profileId;
            this.version = version;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && version == key.version && java.util.Objects.equals(profileId, key.profileId);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(profileId, version);
        }
    }

    @Id
    @Column(name = "profile_id")
    public UUID profileId;

    @Id
    public int version;

    /** The validated definition as canonical JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String definition;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
