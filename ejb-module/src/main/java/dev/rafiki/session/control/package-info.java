/**
 * What the session feature needs from the features above it, as interfaces they implement: it
 * sits below prompts, yet a session's view shows what its prompts are doing, and a session is
 * running, in its view and in a list's filter alike, exactly while it has an active prompt.
 */
package dev.rafiki.session.control;
