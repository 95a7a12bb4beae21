package dev.rafiki.agent.model;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Retries a provider's retryable failures (rate limits, unavailability, broken streams) a bounded
 * number of times with growing pauses, honouring Retry-After up to a cap. A turn that already
 * streamed output to the listener is not retried: its deltas could not be taken back.
 */
public final class RetryingProvider implements ModelProvider {

    private final ModelProvider delegate;
    private final int maxRetries;
    private final Duration maxPause;

    public RetryingProvider(ModelProvider delegate, int maxRetries, Duration maxPause) {
        this.delegate = delegate;
        this.maxRetries = maxRetries;
        this.maxPause = maxPause;
    }

    @Override
    public ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
            throws ModelException {
        for (int attempt = 0; ; attempt++) {
            var watched = new Watched(listener);
            try {
                return delegate.complete(request, watched, cancelled);
            } catch (ModelException e) {
                if (!e.retryable() || attempt >= maxRetries || watched.emitted || cancelled.getAsBoolean()) {
                    throw e;
                }
                var pause = e.retryAfter() != null ? e.retryAfter() : Duration.ofMillis(500L << attempt);
                if (pause.compareTo(maxPause) > 0) {
                    throw e; // the provider asks for a longer wait than a prompt should hang on
                }
                sleep(pause, cancelled);
            }
        }
    }

    private static void sleep(Duration pause, BooleanSupplier cancelled) throws ModelException {
        long end = System.nanoTime() + pause.toNanos();
        while (System.nanoTime() < end) {
            if (cancelled.getAsBoolean()) {
                throw new ModelException("model-cancelled", "the model call was cancelled", false, null);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException("model-cancelled", "interrupted", false, null);
            }
        }
    }

    private static final class Watched implements ModelStreamListener {
        private final ModelStreamListener listener;
        private boolean emitted;

        Watched(ModelStreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void textDelta(String text) {
            emitted = true;
            listener.textDelta(text);
        }

        @Override
        public void toolCallStarted(String id, String name) {
            emitted = true;
            listener.toolCallStarted(id, name);
        }

        @Override
        public void toolCallArgumentsDelta(String id, String fragment) {
            emitted = true;
            listener.toolCallArgumentsDelta(id, fragment);
        }
    }
}
