package dev.rafiki.event.control;

import dev.rafiki.platform.messaging.Destinations;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.logging.Logger;

/** Every node hears every committed event (a non-durable topic subscription per node). */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
    @ActivationConfigProperty(propertyName = "destination", propertyValue = Destinations.EVENT_TOPIC_PHYSICAL),
    @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "NonDurable"),
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Destinations.RESOURCE_ADAPTER),
    // one consumer: announcements are handled in the order the broker delivers them
    @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "1")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EventTopicListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(EventTopicListener.class.getName());

    @Inject
    EventHub hub;

    @Inject
    dev.rafiki.platform.config.NodeIdentity node;

    @Inject
    jakarta.enterprise.event.Event<PromptEndedElsewhere> promptEnded;

    @Inject
    jakarta.enterprise.event.Event<PromptWaitingElsewhere> promptWaiting;

    @Override
    public void onMessage(Message message) {
        StoredEvent event;
        try {
            if (node.nodeId().equals(message.getStringProperty(EventLog.ORIGIN))) {
                return; // delivered locally when it committed
            }
        } catch (JMSException e) {
            LOG.warning(() -> "an event announcement without origin: " + e);
        }
        try (var reader = Json.createReader(new StringReader(((TextMessage) message).getText()))) {
            event = StoredEvent.fromJson(reader.readObject());
        } catch (JMSException | RuntimeException e) {
            LOG.warning(() -> "dropping a malformed event announcement: " + e);
            return;
        }
        hub.announced(event);
        if (event.promptId() != null && event.terminal()) {
            promptEnded.fire(new PromptEndedElsewhere(event.promptId()));
        } else if (event.promptId() != null && SessionEvent.ToolCallApprovalRequested.TYPE.equals(event.type())) {
            promptWaiting.fire(new PromptWaitingElsewhere(event.promptId()));
        }
    }
}
