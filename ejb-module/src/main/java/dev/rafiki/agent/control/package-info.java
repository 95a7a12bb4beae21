/**
 * The agent runtime: the loop that alternates model turns and tool calls for one prompt
 * ({@link dev.rafiki.agent.control.AgentLoop}), and the catalogue that resolves a model name to a
 * configured provider (echo, OpenAI-compatible, Anthropic) with its limits
 * ({@link dev.rafiki.agent.control.ModelCatalog}). The loop is the one door through which what a
 * model or a tool produces reaches a prompt's record, on the fast lane and the durable queue
 * alike: it leaves as storable text (no NUL, no lone surrogate), so recording a step never fails
 * for what a model said or a tool printed. Each model request carries only what fits the model's
 * context window ({@link dev.rafiki.agent.control.ContextWindow}): instructions and the current
 * user message always, the oldest turns dropped first and whole, a tool call never without its
 * results; the stored history itself is never shortened.
 * Which tool calls wait for a person is decided by {@link dev.rafiki.agent.control.ApprovalRules}:
 * per tool {@code always}, {@code never}, or a glob rule on its arguments that fails closed (an
 * argument it cannot judge makes the call wait); a request's rules only ever add waits to a profile's.
 */
package dev.rafiki.agent.control;
