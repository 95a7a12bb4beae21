package dev.rafiki.platform.messaging;

import jakarta.ejb.Singleton;
import jakarta.jms.JMSConnectionFactoryDefinition;
import jakarta.jms.JMSDestinationDefinition;
import jakarta.jms.JMSDestinationDefinitions;

/**
 * Defines the application's JMS resources, all of them, under the names in {@link Destinations}:
 * the connection factory, the prompt queue, the event topic and the jobs' dead-letter queue. It
 * does nothing else; it is a bean only because containers read resource definitions from
 * component classes.
 *
 * <p>{@code className} and {@code PhysicalName} are the ActiveMQ Classic adapter's (Payara). WildFly
 * ignores both and creates each destination by its {@code destinationName} in its own Artemis,
 * through a pooled connection factory named like {@link Destinations#RESOURCE_ADAPTER}.
 */
@JMSConnectionFactoryDefinition(
        name = Destinations.CONNECTION_FACTORY,
        resourceAdapter = Destinations.RESOURCE_ADAPTER,
        interfaceName = "jakarta.jms.ConnectionFactory",
        maxPoolSize = 64,
        minPoolSize = 1)
@JMSDestinationDefinitions({
    @JMSDestinationDefinition(
            name = Destinations.PROMPT_QUEUE,
            resourceAdapter = Destinations.RESOURCE_ADAPTER,
            interfaceName = "jakarta.jms.Queue",
            className = "org.apache.activemq.command.ActiveMQQueue",
            destinationName = Destinations.PROMPT_QUEUE_PHYSICAL,
            properties = {"PhysicalName=" + Destinations.PROMPT_QUEUE_PHYSICAL}),
    @JMSDestinationDefinition(
            name = Destinations.EVENT_TOPIC,
            resourceAdapter = Destinations.RESOURCE_ADAPTER,
            interfaceName = "jakarta.jms.Topic",
            className = "org.apache.activemq.command.ActiveMQTopic",
            destinationName = Destinations.EVENT_TOPIC_PHYSICAL,
            properties = {"PhysicalName=" + Destinations.EVENT_TOPIC_PHYSICAL}),
    @JMSDestinationDefinition(
            name = Destinations.JOB_DEAD_LETTER_QUEUE,
            resourceAdapter = Destinations.RESOURCE_ADAPTER,
            interfaceName = "jakarta.jms.Queue",
            className = "org.apache.activemq.command.ActiveMQQueue",
            destinationName = Destinations.JOB_DEAD_LETTER_QUEUE_PHYSICAL,
            properties = {"PhysicalName=" + Destinations.JOB_DEAD_LETTER_QUEUE_PHYSICAL})
})
@Singleton
public class Messaging {
}
