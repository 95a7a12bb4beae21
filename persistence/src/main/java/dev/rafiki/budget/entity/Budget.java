package dev.rafiki.budget.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A limit on what a user, or an agent profile, may spend per window. At least one of the two
 * limits is set; a limit left null does not apply.
 */
@Entity
@Table(name = "budget")
@IdClass(Budget.Key.class)
public class Budget {

    /** The primary key (scope, subject); a plain class, as JPA asks of an id class. */
    public static class Key implements Serializable {
        public String scope;
        public String subject;

        public Key() {
        }

        public Key(String scope, String subject) {
            this.scope = scope;
            this.subject = subject;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && java.util.Objects.equals(scope, key.scope)
                    && java.util.Objects.equals(subject, key.subject);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(scope, subject);
        }
    }

    /** {@code user} or {@code agent}. */
    @Id
    public String scope;

    /** The user's name, or the agent profile's id. */
    @Id
    public String subject;

    /** {@code day} or {@code month}, UTC calendar windows. */
    @Column(name = "time_window", nullable = false)
    public String window;

    @Column(name = "max_tokens")
    public Long maxTokens;

    @Column(name = "max_tool_seconds")
    public Long maxToolSeconds;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
