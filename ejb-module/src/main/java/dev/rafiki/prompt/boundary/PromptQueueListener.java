package dev.rafiki.prompt.boundary;

import dev.rafiki.platform.messaging.Destinations;
import dev.rafiki.platform.tracing.Tracing;
import dev.rafiki.prompt.control.PromptDispatcher;
import dev.rafiki.prompt.control.SessionWorker;
import io.opentelemetry.api.trace.SpanKind;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Consumes session wake-ups. Not transactional: the message is acknowledged only after the
 * worker returned, so a crash mid-prompt redelivers it, and the worker's own durable claim makes
 * the redelivery harmless.
 */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
    @ActivationConfigProperty(propertyName = "destination", propertyValue = Destinations.PROMPT_QUEUE_PHYSICAL),
    @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = Destinations.RESOURCE_ADAPTER),
    @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "16")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PromptQueueListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(PromptQueueListener.class.getName());

    @Inject
    SessionWorker worker;

    @Inject
    Tracing tracing;

    @Override
    public void onMessage(Message message) {
        UUID sessionId;
        try {
            sessionId = UUID.fromString(((TextMessage) message).getText());
        } catch (JMSException | IllegalArgumentException | ClassCastException e) {
            LOG.warning(() -> "dropping a malformed wake-up message: " + e);
            return;
        }
        String traceparent = null;
        try {
            traceparent = message.getStringProperty(PromptDispatcher.TRACEPARENT);
        } catch (JMSException e) {
            // untraced: the wake-up itself is what matters
        }
        var span = tracing.start("rafiki.dispatch", SpanKind.CONSUMER, tracing.parent(traceparent), sessionId, null);
        try (var ignored = span.makeCurrent()) {
            worker.drain(sessionId);
        } finally {
            span.end();
        }
    }
}
