/**
 * Prompts. Guarantees: a prompt is accepted only once committed; the prompts of one session run
 * one at a time, in submission order; different sessions run in parallel; each prompt reaches
 * exactly one terminal status (completed, failed, cancelled), also across redelivery and crashes.
 * A session's conversation (history, queue, forks) is read and copied here too
 * ({@link dev.rafiki.prompt.boundary.Conversations}): a fork is made only while the source has no
 * prompt pending, with the source's row locked, so no prompt of it runs during the copy.
 */
package dev.rafiki.prompt.boundary;
