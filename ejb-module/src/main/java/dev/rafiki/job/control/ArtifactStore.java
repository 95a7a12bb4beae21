package dev.rafiki.job.control;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.SessionEvent;
import dev.rafiki.platform.db.DbTime;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Artifacts live in PostgreSQL, in the same database as the job, so they are as durable as the
 * job and written under the same fencing: only the worker that still holds the session can save
 * one, and (prompt, name) is unique, so a run that is delivered twice cannot leave two copies.
 */
@Stateless
public class ArtifactStore {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Inject
    EventLog events;

    /** The run that saves: its prompt, and the worker whose claim fences the write. */
    public record Run(UUID promptId, UUID sessionId, String owner, String worker, int attempt) {
    }

    public record Meta(String name, String contentType, long size, String sha256, String toolCallId, Long eventSeq,
                       Instant createdAt) {
    }

    /** @return the stored artifact, or empty when the run no longer holds its session (nothing is written) */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Optional<Meta> save(Run run, String toolCallId, String name, String contentType, byte[] content) {
        if (!JobFences.holds(em, run.sessionId(), run.promptId(), run.worker())) {
            return Optional.empty();
        }
        var sha = sha256(content);
        var now = DbTime.now();
        var event = events.append(run.owner(), run.sessionId(), new SessionEvent.JobArtifact(run.promptId(), name,
                content.length, contentType, sha, toolCallId, "/jobs/" + run.promptId() + "/artifacts/" + name));
        em.createNativeQuery("""
                        INSERT INTO artifact (prompt_id, owner, name, content_type, size, sha256, content, tool_call_id,
                                              event_seq, attempt, created_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                        ON CONFLICT (prompt_id, name) DO UPDATE SET content_type = EXCLUDED.content_type,
                          size = EXCLUDED.size, sha256 = EXCLUDED.sha256, content = EXCLUDED.content,
                          tool_call_id = EXCLUDED.tool_call_id, event_seq = EXCLUDED.event_seq,
                          attempt = EXCLUDED.attempt, created_at = EXCLUDED.created_at""")
                .setParameter(1, run.promptId())
                .setParameter(2, run.owner())
                .setParameter(3, name)
                .setParameter(4, contentType)
                .setParameter(5, (long) content.length)
                .setParameter(6, sha)
                .setParameter(7, content)
                .setParameter(8, toolCallId)
                .setParameter(9, event == null ? null : event.seq())
                .setParameter(10, run.attempt())
                .setParameter(11, Timestamp.from(now))
                .executeUpdate();
        return Optional.of(new Meta(name, contentType, content.length, sha, toolCallId,
                event == null ? null : event.seq(), now));
    }

    /** A page of a job's artifacts by name (or backwards), after {@code afterName} (null: from the first). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Meta> page(UUID promptId, String afterName, boolean descending, int limit) {
        // (prompt_id, name) is unique: the name alone is the keyset, no tie-break needed
        var keyset = afterName == null ? "" : descending ? " AND name < ?3" : " AND name > ?3";
        var query = em.createNativeQuery("""
                        SELECT name, content_type, size, sha256, tool_call_id, event_seq, created_at
                        FROM artifact WHERE prompt_id = ?1""" + keyset
                        + (descending ? " ORDER BY name DESC" : " ORDER BY name") + " LIMIT ?2")
                .setParameter(1, promptId)
                .setParameter(2, limit);
        if (afterName != null) {
            query.setParameter(3, afterName);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(ArtifactStore::meta).toList();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Meta> list(UUID promptId) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT name, content_type, size, sha256, tool_call_id, event_seq, created_at
                        FROM artifact WHERE prompt_id = ?1 ORDER BY name""")
                .setParameter(1, promptId)
                .getResultList();
        return rows.stream().map(ArtifactStore::meta).toList();
    }

    public Optional<Meta> find(UUID promptId, String name) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT name, content_type, size, sha256, tool_call_id, event_seq, created_at
                        FROM artifact WHERE prompt_id = ?1 AND name = ?2""")
                .setParameter(1, promptId)
                .setParameter(2, name)
                .getResultList();
        return rows.stream().map(ArtifactStore::meta).findFirst();
    }

    /**
     * Reads part of an artifact's content, without loading the rest. The checksum guards against
     * mixing two versions in one download if a retried run replaced the artifact meanwhile.
     *
     * @return empty when that version of the artifact is gone
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<byte[]> read(UUID promptId, String name, String sha256, long offset, int length) {
        List<?> rows = em.createNativeQuery("""
                        SELECT substring(content FROM ?1 FOR ?2) FROM artifact
                        WHERE prompt_id = ?3 AND name = ?4 AND sha256 = ?5""")
                .setParameter(1, (int) (offset + 1)) // bytea offsets are int: a bytea holds at most 1 GB
                .setParameter(2, length)
                .setParameter(3, promptId)
                .setParameter(4, name)
                .setParameter(5, sha256)
                .getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of((byte[]) rows.get(0));
    }

    /** Retention: removes artifacts created before {@code cutoff}. */
    public int purgeCreatedBefore(Instant cutoff) {
        return em.createNativeQuery("DELETE FROM artifact WHERE created_at < ?1")
                .setParameter(1, Timestamp.from(cutoff))
                .executeUpdate();
    }

    private static Meta meta(Object[] row) {
        return new Meta((String) row[0], (String) row[1], ((Number) row[2]).longValue(), (String) row[3],
                (String) row[4], row[5] == null ? null : ((Number) row[5]).longValue(), instant(row[6]));
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalArgumentException("not a timestamp: " + value.getClass());
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
