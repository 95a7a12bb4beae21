package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.EchoModel;
import dev.rafiki.platform.config.NodeIdentity;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs a session's queued prompts, one at a time and in order, while it holds the session's
 * claim. Deliberately outside any transaction: model calls may take minutes, and each step
 * commits on its own through {@link PromptLedger}.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SessionWorker {

    private static final Logger LOG = Logger.getLogger(SessionWorker.class.getName());

    @Inject
    PromptLedger ledger;

    @Inject
    EchoModel model;

    @Inject
    NodeIdentity node;

    @Inject
    CancellationSignals signals;

    @Inject
    @ConfigProperty(name = "rafiki.prompt.claim-lease-seconds", defaultValue = "30")
    long leaseSeconds;

    @Inject
    @ConfigProperty(name = "rafiki.prompt.batch", defaultValue = "8")
    int batch;

    @Inject
    @ConfigProperty(name = "rafiki.prompt.max-attempts", defaultValue = "3")
    int maxAttempts;

    public void drain(UUID sessionId) {
        var worker = node.claimPrefix() + UUID.randomUUID();
        var lease = Duration.ofSeconds(leaseSeconds);
        if (!ledger.claim(sessionId, worker, lease)) {
            return; // another worker holds the session and will see the new prompt
        }
        int ran = 0;
        while (true) {
            if (ran >= batch) {
                ledger.handOver(sessionId, worker);
                return;
            }
            var next = ledger.startNext(sessionId, worker, lease, maxAttempts);
            switch (next.kind()) {
                case LOST:
                    return;
                case SKIPPED:
                    continue;
                case RUN:
                    run(next.prompt(), worker);
                    ran++;
                    continue;
                case EMPTY:
                default:
                    if (!ledger.release(sessionId, worker)) {
                        continue; // a prompt arrived meanwhile
                    }
                    // A wake-up that raced the release may have been dropped: look once more.
                    if (!ledger.hasPending(sessionId) || !ledger.claim(sessionId, worker, lease)) {
                        return;
                    }
            }
        }
    }

    private void run(PromptLedger.RunningPrompt prompt, String worker) {
        EchoModel.Completion completion;
        var cancelled = signals.register(prompt.id());
        try {
            completion = model.complete(prompt.content(), cancelled::get);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "prompt " + prompt.id() + " failed in the model", e);
            ledger.fail(prompt.id(), worker, "model-error", "the model failed: " + e.getMessage());
            return;
        } finally {
            signals.unregister(prompt.id());
        }
        if (completion.cancelled() || !ledger.complete(prompt.id(), worker, completion)) {
            ledger.keepPartial(prompt.id(), completion.text());
        }
    }
}
