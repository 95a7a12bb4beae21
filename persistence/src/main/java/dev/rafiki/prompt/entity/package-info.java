/**
 * Prompts and messages. The prompt table is each session's durable queue: a prompt is accepted
 * once committed, runs in {@code seq} order and reaches exactly one terminal status.
 */
package dev.rafiki.prompt.entity;
