/**
 * The durable per-session queue. JMS wakes a worker; the database decides what runs: the session
 * claim (a lease) gives one worker the session, {@code prompt.seq} gives the order, and every
 * worker write is fenced by its claim. See {@link dev.rafiki.prompt.control.PromptLedger}.
 */
package dev.rafiki.prompt.control;
