/**
 * The event bus. Guarantees: every session event is stored with a per-session and a per-user
 * sequence number, unique, strictly increasing and gap-free in commit order; it is announced to
 * every node only once committed; a subscription resumed from a cursor receives every later event
 * exactly once, then live events, with no gap at the seam; a slow subscriber is closed with its
 * resume cursor instead of slowing anyone else; what a subscriber costs is bounded (events and
 * bytes queued, one write in flight on a borrowed sender thread, a write timeout).
 */
package dev.rafiki.event.control;
