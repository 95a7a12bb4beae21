package dev.rafiki.event.control;

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
    @ActivationConfigProperty(propertyName = "destination", propertyValue = "RAFIKI.EVENTS"),
    @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "NonDurable"),
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "activemq-rar"),
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
    dev.rafiki.prompt.control.CancellationSignals signals;

    @Inject
    dev.rafiki.prompt.control.PromptWaiters waiters;

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
        if (event.promptId() != null && TERMINAL.contains(event.type())) {
            // a prompt that ended on another node: stop it here if it still runs, answer who waits for it here
            signals.finishedElsewhere(event.promptId());
            waiters.finishedElsewhere(event.promptId());
        } else if (event.promptId() != null && EventTypes.TOOL_CALL_APPROVAL_REQUESTED.equals(event.type())) {
            waiters.finishedElsewhere(event.promptId()); // it waits for a person: answer who waits for it here
        }
    }

    private static final java.util.Set<String> TERMINAL = java.util.Set.of(
            EventTypes.PROMPT_CANCELLED, EventTypes.PROMPT_FAILED, EventTypes.PROMPT_COMPLETED);
}
