package dev.rafiki.profile.control;

import dev.rafiki.profile.entity.AgentProfileVersion;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.UUID;

/** Reads a stored version; only {@link ProfileCache} calls it, on a miss. */
@Stateless
public class ProfileVersions {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    /** @return null when there is no such version */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public ProfileSpec load(UUID profileId, int version) {
        var row = em.find(AgentProfileVersion.class, new AgentProfileVersion.Key(profileId, version));
        return row == null ? null : ProfileSpec.fromJson(row.definition);
    }
}
