package dev.rafiki.job.control;

import dev.rafiki.job.boundary.JobViews.AttemptView;
import dev.rafiki.job.boundary.JobViews.DeliveryView;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * The webhook outbox in PostgreSQL. A delivery row is written in the transaction that ends the
 * job; senders on any node take due rows with {@code SKIP LOCKED} and hold them by pushing their
 * next attempt time forward (a lease), so a sender that dies mid-request only delays the retry.
 */
@Stateless
public class WebhookOutbox {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    /** A delivery to make now. */
    public record Due(long id, UUID jobId, String messageId, String payload, String url, String secret, int attempt) {
    }

    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void enqueue(UUID jobId, String eventType, String payload) {
        em.createNativeQuery("""
                        INSERT INTO webhook_delivery (job_id, message_id, event_type, payload, status, attempts,
                                                      next_attempt_at, created_at)
                        VALUES (?1, ?2, ?3, ?4, 'pending', 0, now(), now())""")
                .setParameter(1, jobId)
                .setParameter(2, "msg_" + UUID.randomUUID().toString().replace("-", ""))
                .setParameter(3, eventType)
                .setParameter(4, payload)
                .executeUpdate();
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<Due> claimDue(int batch, Duration lease) {
        List<Object[]> rows = em.createNativeQuery("""
                        UPDATE webhook_delivery d SET attempts = d.attempts + 1,
                          next_attempt_at = now() + make_interval(secs => ?1)
                        FROM job j
                        WHERE j.id = d.job_id AND d.id IN (
                          SELECT id FROM webhook_delivery WHERE status = 'pending' AND next_attempt_at <= now()
                          ORDER BY next_attempt_at LIMIT ?2 FOR UPDATE SKIP LOCKED)
                        RETURNING d.id, d.job_id, d.message_id, d.payload, j.webhook_url, j.webhook_secret, d.attempts""")
                .setParameter(1, (double) lease.toSeconds())
                .setParameter(2, batch)
                .getResultList();
        return rows.stream().map(r -> new Due(((Number) r[0]).longValue(), (UUID) r[1], (String) r[2], (String) r[3],
                (String) r[4], (String) r[5], ((Number) r[6]).intValue())).toList();
    }

    /**
     * Records one attempt; a 2xx delivers, anything else retries after {@code retryIn} until
     * {@code maxAttempts} attempts were made.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void record(Due due, Instant started, long durationMs, Integer statusCode, String error, int maxAttempts,
                       Duration retryIn) {
        em.createNativeQuery("""
                        INSERT INTO webhook_attempt (delivery_id, attempt, started_at, duration_ms, status_code, error)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6)""")
                .setParameter(1, due.id())
                .setParameter(2, due.attempt())
                .setParameter(3, Timestamp.from(started))
                .setParameter(4, durationMs)
                .setParameter(5, statusCode)
                .setParameter(6, error)
                .executeUpdate();
        boolean delivered = statusCode != null && statusCode >= 200 && statusCode < 300;
        String status = delivered ? "delivered" : due.attempt() >= maxAttempts ? "failed" : "pending";
        em.createNativeQuery("""
                        UPDATE webhook_delivery SET status = ?1,
                          delivered_at = CASE WHEN ?1 = 'delivered' THEN now() END,
                          next_attempt_at = CASE WHEN ?1 = 'pending' THEN now() + make_interval(secs => ?2) END
                        WHERE id = ?3""")
                .setParameter(1, status)
                .setParameter(2, retryIn.toMillis() / 1000.0)
                .setParameter(3, due.id())
                .executeUpdate();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<DeliveryView> deliveries(UUID jobId) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT d.id, d.message_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.delivered_at,
                               a.attempt, a.started_at, a.duration_ms, a.status_code, a.error
                        FROM webhook_delivery d LEFT JOIN webhook_attempt a ON a.delivery_id = d.id
                        WHERE d.job_id = ?1 ORDER BY d.id, a.attempt""")
                .setParameter(1, jobId)
                .getResultList();
        var byDelivery = new LinkedHashMap<Long, Object[]>();
        var logs = new LinkedHashMap<Long, List<AttemptView>>();
        for (var r : rows) {
            long id = ((Number) r[0]).longValue();
            byDelivery.putIfAbsent(id, r);
            var log = logs.computeIfAbsent(id, k -> new ArrayList<>());
            if (r[7] != null) {
                log.add(new AttemptView(((Number) r[7]).intValue(), ArtifactStore.instant(r[8]),
                        ((Number) r[9]).longValue(), r[10] == null ? null : ((Number) r[10]).intValue(), (String) r[11]));
            }
        }
        var views = new ArrayList<DeliveryView>();
        byDelivery.forEach((id, r) -> views.add(new DeliveryView((String) r[1], (String) r[2], (String) r[3],
                ((Number) r[4]).intValue(), "pending".equals(r[3]) ? ArtifactStore.instant(r[5]) : null,
                ArtifactStore.instant(r[6]), logs.get(id))));
        return views;
    }
}
