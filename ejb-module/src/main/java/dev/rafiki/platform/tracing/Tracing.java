package dev.rafiki.platform.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The spans of a prompt's life, through MicroProfile Telemetry's tracer: no-op unless the
 * container's OpenTelemetry SDK is switched on (an OTLP endpoint, see the README). A prompt's
 * spans form one trace with the HTTP request that sent it, also when the prompt runs on another
 * thread ({@link #current()} travels with the work) or on another node (a {@code traceparent}
 * travels in the JMS wake-up).
 */
@ApplicationScoped
public class Tracing {

    public static final String SESSION_ID = "rafiki.session_id";
    public static final String PROMPT_ID = "rafiki.prompt_id";

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    @Inject
    Instance<Tracer> tracers;

    private Tracer tracer;

    @PostConstruct
    void init() {
        // a container without MicroProfile Telemetry still runs Rafiki, untraced
        tracer = tracers != null && tracers.isResolvable() ? tracers.get() : OpenTelemetry.noop().getTracer("rafiki");
    }

    /** Untraced, for code that runs outside a container (unit tests). */
    public static Tracing off() {
        var tracing = new Tracing();
        tracing.init();
        return tracing;
    }

    /**
     * A span of work another thread did for the traced caller of {@code parent}, between two
     * instants (epoch nanoseconds): the group commit's batch, say. Nothing when the caller is not
     * traced.
     */
    public void record(String name, Context parent, long startNanos, long endNanos, Map<String, Long> attributes) {
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return;
        }
        var span = tracer.spanBuilder(name).setParent(parent).setStartTimestamp(startNanos, java.util.concurrent.TimeUnit.NANOSECONDS)
                .startSpan();
        attributes.forEach(span::setAttribute);
        span.end(endNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The context to carry to another thread (the caller's span as parent of what runs there). */
    public Context current() {
        return Context.current();
    }

    /** Starts a span under {@code parent}; the caller ends it (try-with-resources on {@link #scope}). */
    public Span start(String name, SpanKind kind, Context parent, UUID sessionId, UUID promptId) {
        var builder = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
        if (sessionId != null) {
            builder.setAttribute(SESSION_ID, sessionId.toString());
        }
        if (promptId != null) {
            builder.setAttribute(PROMPT_ID, promptId.toString());
        }
        return builder.startSpan();
    }

    /** Starts a span under the current one; the caller makes it current and ends it. */
    public Span child(String name, Map<String, String> attributes) {
        var span = tracer.spanBuilder(name).setParent(Context.current()).startSpan();
        attributes.forEach(span::setAttribute);
        return span;
    }

    /** Runs {@code work} in a span that is current meanwhile; a failure marks the span. */
    public <T> T inSpan(String name, Map<String, String> attributes, Supplier<T> work) {
        var span = child(name, attributes);
        try (var ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    /** The W3C {@code traceparent} of the current span, or null when nothing is traced. */
    public String traceparent() {
        var carrier = new HashMap<String, String>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /** The context a {@code traceparent} names; the root context when it names none. */
    public Context parent(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of("traceparent", traceparent), MAP);
    }

    /** Marks a span failed with a stable error code (no message: it may hold user data). */
    public static void failed(Span span, String errorCode) {
        if (errorCode != null) {
            span.setStatus(StatusCode.ERROR, errorCode);
            span.setAttribute("rafiki.error_code", errorCode);
        }
    }

}
