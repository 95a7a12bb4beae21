package dev.rafiki.profile.control;

import java.util.UUID;

/**
 * The profile version a session or prompt runs with.
 *
 * @param model the version's model, or null when it names none (the session's then applies)
 */
public record AgentPin(UUID id, int version, String model) {
}
