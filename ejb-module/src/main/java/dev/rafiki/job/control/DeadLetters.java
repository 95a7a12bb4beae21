package dev.rafiki.job.control;

import dev.rafiki.platform.messaging.Destinations;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The dead-letter queue of jobs: a job that failed after its last attempt is parked on a JMS
 * queue of the broker, where operators (and their tooling) find it. The message is sent in the
 * transaction that fails the job, so it exists exactly when the failure was committed.
 */
@Stateless
public class DeadLetters {

    static final String JOB_ID = "rafikiJobId";

    @Resource(lookup = Destinations.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @Resource(lookup = Destinations.JOB_DEAD_LETTER_QUEUE)
    Queue queue;

    @Inject
    JobSettings settings;

    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void park(JsonObject letter) {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            var message = session.createTextMessage(letter.toString());
            message.setStringProperty(JOB_ID, letter.getString("job_id"));
            var producer = session.createProducer(queue);
            // nothing consumes the queue by itself: unattended letters expire with the artifacts
            producer.setTimeToLive(settings.deadLetterTtl.toMillis());
            producer.send(message);
        } catch (JMSException e) {
            throw new IllegalStateException("could not dead-letter job " + letter.getString("job_id"), e);
        }
    }

    /**
     * What the queue holds now, without taking anything off it: up to {@code limit} letters,
     * oldest (or newest) first, after the one with message id {@code after} (null: from the
     * first). A queue browser reads oldest first only, so newest first keeps the last
     * {@code limit} letters it passes before the cursor; either way it is one walk of the queue.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<JsonObject> browse(String after, boolean newestFirst, int limit) {
        var letters = new ArrayDeque<JsonObject>();
        boolean past = after == null;
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            try (var browser = session.createBrowser(queue)) {
                var messages = browser.getEnumeration();
                while (messages.hasMoreElements() && (newestFirst || letters.size() < limit)) {
                    if (messages.nextElement() instanceof TextMessage text) {
                        if (newestFirst) {
                            if (text.getJMSMessageID().equals(after)) {
                                break;
                            }
                            if (letters.size() == limit) {
                                letters.removeFirst();
                            }
                            letters.addLast(letter(text));
                        } else if (!past) {
                            past = text.getJMSMessageID().equals(after);
                        } else {
                            letters.addLast(letter(text));
                        }
                    }
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("could not browse the dead-letter queue", e);
        }
        var page = new ArrayList<>(letters);
        if (newestFirst) {
            Collections.reverse(page);
        }
        return page;
    }

    private static JsonObject letter(TextMessage text) throws JMSException {
        try (var reader = Json.createReader(new StringReader(text.getText()))) {
            return Json.createObjectBuilder(reader.readObject()).add("message_id", text.getJMSMessageID()).build();
        }
    }

    /** Takes a job's letter off the queue once an operator dealt with it. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public boolean remove(UUID jobId) {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            try (var consumer = session.createConsumer(queue, JOB_ID + " = '" + jobId + "'")) {
                boolean removed = false;
                while (consumer.receive(500) != null) {
                    removed = true;
                }
                return removed;
            }
        } catch (JMSException e) {
            throw new IllegalStateException("could not remove job " + jobId + " from the dead-letter queue", e);
        }
    }
}
