package dev.rafiki.prompt.control;

import dev.rafiki.platform.messaging.Destinations;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConnectionFactoryDefinition;
import jakarta.jms.JMSDestinationDefinition;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.UUID;

/**
 * Sends the wake-up for a session's worker. The send joins the caller's transaction, so a wake
 * is delivered only if the prompt it announces was committed; a lost or duplicate wake is
 * harmless because the queue itself lives in the database (see {@link QueueSweeper}).
 */
@JMSConnectionFactoryDefinition(
        name = Destinations.CONNECTION_FACTORY,
        resourceAdapter = Destinations.RESOURCE_ADAPTER,
        interfaceName = "jakarta.jms.ConnectionFactory",
        maxPoolSize = 64,
        minPoolSize = 1)
@JMSDestinationDefinition(
        name = Destinations.PROMPT_QUEUE,
        resourceAdapter = Destinations.RESOURCE_ADAPTER,
        interfaceName = "jakarta.jms.Queue",
        className = "org.apache.activemq.command.ActiveMQQueue",
        destinationName = Destinations.PROMPT_QUEUE_PHYSICAL,
        properties = {"PhysicalName=" + Destinations.PROMPT_QUEUE_PHYSICAL})
@Stateless
public class PromptDispatcher {

    @Resource(lookup = Destinations.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @Resource(lookup = Destinations.PROMPT_QUEUE)
    Queue prompts;

    public void wake(UUID sessionId) {
        // The adapter does not implement JMSContext (PLATFORM-NOTES), hence the classic API.
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            var message = session.createTextMessage(sessionId.toString());
            session.createProducer(prompts).send(message);
        } catch (JMSException e) {
            throw new IllegalStateException("could not enqueue the wake-up of session " + sessionId, e);
        }
    }
}
