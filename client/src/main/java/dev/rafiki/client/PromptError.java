package dev.rafiki.client;

/** Why a prompt or job did not complete: a stable {@code code} and a human {@code message}. */
public record PromptError(String code, String message) {
}
