/**
 * Who may follow what on the streams ({@link dev.rafiki.stream.control.StreamTargets}): one rule
 * for the event streams over SSE and WebSocket and for the event pages, so that a token's scope
 * (its user, its session or its job) is enforced the same way on each of them.
 */
package dev.rafiki.stream.control;
