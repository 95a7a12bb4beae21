package dev.rafiki.agent.model;

import java.util.function.BooleanSupplier;

/**
 * One call to a language model: the conversation and the tools go in, one assistant turn
 * (text and/or tool calls, with token usage) comes out, streamed to the listener as it arrives.
 * Implementations must never hang: every wait is bounded by the request's timeouts, and
 * {@code cancelled} is polled often enough to stop within a second.
 */
public interface ModelProvider {

    ModelTurn complete(ModelRequest request, ModelStreamListener listener, BooleanSupplier cancelled)
            throws ModelException;
}
