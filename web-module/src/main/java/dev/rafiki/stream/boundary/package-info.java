/**
 * The live streams of the public surface: {@code /ws} and {@code /events} (WebSocket, and
 * Server-Sent Events on {@code /events}), {@code /query_stream}, and the event pages of
 * {@code /session/{id}/events}. They sit above prompts and jobs, which they follow; the events
 * themselves, their store and their fan-out are the {@code event} feature's, which promises each
 * subscriber every event after its cursor once, in order.
 */
package dev.rafiki.stream.boundary;
