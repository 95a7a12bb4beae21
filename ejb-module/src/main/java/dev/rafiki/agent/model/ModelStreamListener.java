package dev.rafiki.agent.model;

/** Receives a turn while it streams; called on the provider's thread, in stream order. */
public interface ModelStreamListener {

    ModelStreamListener NONE = new ModelStreamListener() {
    };

    default void textDelta(String text) {
    }

    default void toolCallStarted(String id, String name) {
    }

    default void toolCallArgumentsDelta(String id, String fragment) {
    }
}
