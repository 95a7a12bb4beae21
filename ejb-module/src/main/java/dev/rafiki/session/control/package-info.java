/**
 * What the session feature needs from the features above it, as interfaces they implement: it
 * sits below prompts, yet a session's view shows what its prompts are doing.
 */
package dev.rafiki.session.control;
