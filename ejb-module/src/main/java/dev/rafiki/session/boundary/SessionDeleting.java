package dev.rafiki.session.boundary;

import java.util.UUID;

/**
 * Fired before a session is deleted, outside its transaction: the features above end what runs
 * in it first (the prompt feature cancels its prompts and commits that), so a run hears it and
 * stops, rather than going on calling the model and running tools for a session that is gone.
 */
public record SessionDeleting(String owner, UUID session) {
}
