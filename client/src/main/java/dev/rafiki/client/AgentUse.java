package dev.rafiki.client;

import java.util.UUID;

/** The agent profile version a session or prompt runs with. */
public record AgentUse(UUID id, int version) {
}
