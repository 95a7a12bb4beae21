/**
 * Sessions: owned by one user, each with its state, message history and prompt queue. A fork
 * ({@link dev.rafiki.session.boundary.Sessions#fork}) is a new session with another one's history
 * up to a message and a copy of its workspace; it is made only while the source has no prompt
 * pending, with the source's row locked, so no prompt of it runs during the copy.
 */
package dev.rafiki.session.boundary;
