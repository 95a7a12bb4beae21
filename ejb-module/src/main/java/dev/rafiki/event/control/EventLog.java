package dev.rafiki.event.control;

import dev.rafiki.platform.messaging.Destinations;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Topic;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Appends events and reads them back. An event is numbered under the session's and the user's row
 * locks, stored, and announced on the cluster-wide topic, all in the caller's transaction (or a
 * new one): so it is published only once committed, and the numbers are in commit order.
 */
@Stateless
public class EventLog {

    @PersistenceContext(unitName = "rafiki")
    EntityManager em;

    @Resource(lookup = Destinations.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @Resource(lookup = Destinations.EVENT_TOPIC)
    Topic topic;

    @jakarta.inject.Inject
    jakarta.enterprise.event.Event<Committed> committed;

    /** @return the stored event, or null when the session is gone */
    public StoredEvent append(String owner, UUID sessionId, SessionEvent appended) {
        // the caller's pending changes go first: the JDBC work below does not flush them, and they
        // must precede the session row update in lock order (session row, prompts, account)
        em.flush();
        var now = Instant.now();
        var type = appended.type();
        var promptId = appended.promptId();
        var data = appended.data();
        var event = em.unwrap(Session.class).doReturningWork(connection -> {
            long seq;
            try (var next = connection.prepareStatement(
                    "UPDATE agent_session SET next_event_seq = next_event_seq + 1 WHERE id = ? RETURNING next_event_seq")) {
                next.setObject(1, sessionId);
                seq = single(next);
            }
            if (seq < 0) {
                return null; // the session was deleted meanwhile
            }
            long userSeq;
            try (var next = connection.prepareStatement("""
                    INSERT INTO account (owner, next_event_seq) VALUES (?, 1)
                    ON CONFLICT (owner) DO UPDATE SET next_event_seq = account.next_event_seq + 1
                    RETURNING next_event_seq""")) {
                next.setString(1, owner);
                userSeq = single(next);
            }
            try (var insert = connection.prepareStatement("""
                    INSERT INTO event (owner, session_id, seq, user_seq, prompt_id, type, data, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, owner);
                insert.setObject(2, sessionId);
                insert.setLong(3, seq);
                insert.setLong(4, userSeq);
                insert.setObject(5, promptId);
                insert.setString(6, type);
                insert.setString(7, data);
                insert.setTimestamp(8, Timestamp.from(now));
                insert.executeUpdate();
            }
            return new StoredEvent(owner, sessionId, seq, userSeq, promptId, type, data, now);
        });
        if (event != null) {
            committed.fire(new Committed(event));
        }
        return event;
    }

    /** Carries an event to the observers that run once its transaction committed. */
    public record Committed(StoredEvent event) {
    }

    /**
     * Announces a committed event to the other nodes. Outside the transaction on purpose: the log
     * is the truth and subscribers catch up from it, so an announcement needs no two-phase commit,
     * and one lost with a broker crash only delays a subscriber until the hub's next catch-up.
     */
    public void announce(StoredEvent event, String originNode) {
        try (Connection connection = connectionFactory.createConnection();
             var session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE)) {
            var producer = session.createProducer(topic);
            producer.setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
            var message = session.createTextMessage(event.toJson(true).toString());
            message.setStringProperty(ORIGIN, originNode);
            producer.send(message);
        } catch (JMSException e) {
            throw new IllegalStateException("could not announce event " + event.type(), e);
        }
    }

    /** Message property naming the node that committed the event (it delivered it locally already). */
    public static final String ORIGIN = "rafikiOrigin";

    /** Events of a session after a cursor, oldest first. */
    public List<StoredEvent> sessionEvents(UUID sessionId, long after, long upTo, int limit) {
        return query("SELECT owner, session_id, seq, user_seq, prompt_id, type, data, created_at FROM event "
                + "WHERE session_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?", sessionId, after, upTo, limit);
    }

    /** Events of a user after a cursor, oldest first. */
    public List<StoredEvent> userEvents(String owner, long after, long upTo, int limit) {
        return query("SELECT owner, session_id, seq, user_seq, prompt_id, type, data, created_at FROM event "
                + "WHERE owner = ? AND user_seq > ? AND user_seq <= ? ORDER BY user_seq LIMIT ?", owner, after, upTo, limit);
    }

    public long lastSessionSeq(UUID sessionId) {
        return scalar("SELECT next_event_seq FROM agent_session WHERE id = ?", sessionId);
    }

    public long lastUserSeq(String owner) {
        return Math.max(0, scalar("SELECT next_event_seq FROM account WHERE owner = ?", owner));
    }

    /** The session cursor just before a prompt's first event, to stream that prompt from its start. */
    public long cursorBefore(UUID promptId) {
        return Math.max(0, scalar("SELECT min(seq) - 1 FROM event WHERE prompt_id = ?", promptId));
    }

    private List<StoredEvent> query(String sql, Object key, long after, long upTo, int limit) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (var statement = connection.prepareStatement(sql)) {
                statement.setObject(1, key);
                statement.setLong(2, after);
                statement.setLong(3, upTo);
                statement.setInt(4, limit);
                var events = new ArrayList<StoredEvent>();
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        events.add(new StoredEvent(rows.getString(1), rows.getObject(2, UUID.class), rows.getLong(3),
                                rows.getLong(4), rows.getObject(5, UUID.class), rows.getString(6), rows.getString(7),
                                rows.getTimestamp(8).toInstant()));
                    }
                }
                return events;
            }
        });
    }

    private long scalar(String sql, Object key) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (var statement = connection.prepareStatement(sql)) {
                statement.setObject(1, key);
                return single(statement);
            }
        });
    }

    /** @return the first column of the only row, or -1 when there is no row (or it is null) */
    private static long single(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                return -1;
            }
            long value = rows.getLong(1);
            return rows.wasNull() ? -1 : value;
        }
    }
}
