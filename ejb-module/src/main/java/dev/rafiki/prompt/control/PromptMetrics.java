package dev.rafiki.prompt.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Counts what prompts end as and how long they ran, and the model tokens they used. Counted on
 * the node that commits the outcome, after the commit, so a rolled-back attempt counts nothing and
 * the sum over the nodes is the cluster's total.
 */
@ApplicationScoped
public class PromptMetrics {

    private static final Logger LOG = Logger.getLogger(PromptMetrics.class.getName());

    static final String FINISHED = "rafiki.prompts.finished";
    static final String DURATION = "rafiki.prompt.run.duration";
    static final String TOKENS = "rafiki.model.tokens";
    static final String SESSIONS_LOADED = "rafiki.sessions.loaded";
    private static final List<String> STATUSES = List.of("completed", "failed", "cancelled");

    private static final Metadata FINISHED_META = Metadata.builder().withName(FINISHED)
            .withDescription("Prompts that reached a terminal status, by status").build();
    private static final Metadata DURATION_META = Metadata.builder().withName(DURATION)
            .withDescription("Time from a prompt's (last) start to its terminal status; prompts cancelled before they started are not timed")
            .withUnit(MetricUnits.SECONDS).build();
    private static final Metadata TOKENS_META = Metadata.builder().withName(TOKENS)
            .withDescription("Model tokens used, by provider and direction (input, output)").build();

    private static final Metadata SESSIONS_LOADED_META = Metadata.builder().withName(SESSIONS_LOADED)
            .withDescription("Sessions whose state and history this node read from the database for a prompt, not having "
                    + "them in memory (the first prompt here, a session changed by another node or path, or one evicted "
                    + "as least recently used: see rafiki.prompt.fast-lane-sessions)").build();

    @Inject
    MetricRegistry registry;

    private volatile Counter sessionsLoaded;

    /** Registers the series at start, so that they exist (at zero) before the first prompt: rate() needs a base. */
    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        STATUSES.forEach(status -> registry.counter(FINISHED_META, new Tag("status", status)));
        registry.timer(DURATION_META, new Tag("status", "completed"));
        sessionsLoaded = registry.counter(SESSIONS_LOADED_META);
    }

    /** The fast lane read a session it did not have in memory. */
    public void sessionLoaded() {
        try {
            var counter = sessionsLoaded;
            if (counter == null) {
                counter = registry.counter(SESSIONS_LOADED_META);
                sessionsLoaded = counter;
            }
            counter.inc();
        } catch (RuntimeException e) {
            notCounted(e);
        }
    }

    void onFinished(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromptFinished finished) {
        finished(finished.status(), finished.startedAt(), finished.finishedAt());
    }

    /**
     * Series looked up once each: the registry's look-up (metadata and tag checks) costs more than
     * the update. The keys are bounded: terminal statuses, configured providers and two directions.
     */
    private final Map<String, Counter> finishedByStatus = new ConcurrentHashMap<>();
    private final Map<String, Timer> durationByStatus = new ConcurrentHashMap<>();
    private final Map<TokenSeries, Counter> tokensBySeries = new ConcurrentHashMap<>();

    private record TokenSeries(String provider, String direction) {
    }

    /** A prompt ended (committed); {@code startedAt} is null for one cancelled before it ran. */
    public void finished(String statusName, java.time.Instant startedAt, java.time.Instant finishedAt) {
        try {
            finishedByStatus.computeIfAbsent(statusName,
                    status -> registry.counter(FINISHED_META, new Tag("status", status))).inc();
            if (startedAt != null && finishedAt != null) {
                durationByStatus.computeIfAbsent(statusName,
                        status -> registry.timer(DURATION_META, new Tag("status", status)))
                        .update(Duration.between(startedAt, finishedAt));
            }
        } catch (RuntimeException e) {
            notCounted(e);
        }
    }

    /**
     * Tokens of one run of the agent loop, whatever its outcome: the provider charged them.
     *
     * @param model the resolved model name, {@code echo} or {@code <provider>/<model>}
     */
    public void tokens(String model, long input, long output) {
        try {
            var provider = provider(model);
            if (input > 0) {
                tokens(provider, "input").inc(input);
            }
            if (output > 0) {
                tokens(provider, "output").inc(output);
            }
        } catch (RuntimeException e) {
            notCounted(e);
        }
    }

    private Counter tokens(String provider, String direction) {
        return tokensBySeries.computeIfAbsent(new TokenSeries(provider, direction), series -> registry.counter(TOKENS_META,
                new Tag("provider", series.provider()), new Tag("direction", series.direction())));
    }

    /** Counting must never fail the prompt it counts. */
    private static void notCounted(RuntimeException e) {
        LOG.log(Level.FINE, "a prompt metric was not counted", e);
    }

    /** The provider part only: models are unbounded, configured providers are few. */
    static String provider(String model) {
        if (model == null || model.isBlank()) {
            return "echo";
        }
        int slash = model.indexOf('/');
        return (slash < 0 ? model : model.substring(0, slash)).toLowerCase(Locale.ROOT);
    }
}
