/**
 * Prompts. Guarantees: a prompt is accepted only once committed; the prompts of one session run
 * one at a time, in submission order; different sessions run in parallel; each prompt reaches
 * exactly one terminal status (completed, failed, cancelled), also across redelivery and crashes.
 */
package dev.rafiki.prompt.boundary;
