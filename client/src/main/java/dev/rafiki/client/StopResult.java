package dev.rafiki.client;

import java.util.List;
import java.util.UUID;

/** What {@code POST /session/{id}/stop} cancelled. */
public record StopResult(UUID sessionId, List<UUID> cancelled) {
}
