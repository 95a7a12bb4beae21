/**
 * Prompts and messages. The prompt table is each session's durable queue: a prompt is accepted
 * once committed, runs in {@code seq} order and reaches exactly one terminal status. The groups of
 * statuses that queries ask about (runnable, active, in flight) are named once, with their SQL
 * and JPQL, in {@link dev.rafiki.prompt.entity.PromptStatus}, each with why a status is in or out.
 */
package dev.rafiki.prompt.entity;
