/**
 * The event bus. Guarantees: every session event is stored with a per-session and a per-user
 * sequence number, unique, strictly increasing and gap-free in commit order; it is announced to
 * every node only once committed; a subscription resumed from a cursor receives every later event
 * exactly once, then live events, with no gap at the seam; a slow subscriber is closed with its
 * resume cursor instead of slowing anyone else; what a subscriber costs is bounded (events and
 * bytes queued, one write in flight on a borrowed sender thread, a write timeout).
 * <p>
 * What an event says is typed: every event is a record of {@link dev.rafiki.event.control.SessionEvent},
 * one per row of the README's event table (a test holds the two together), and each record writes
 * its own {@code data}, each member's name written once ({@link dev.rafiki.event.control.EventData},
 * no JSON-P tree, the same text JSON-P would write).
 */
package dev.rafiki.event.control;
