/**
 * The agent runtime: the loop that alternates model turns and tool calls for one prompt
 * ({@link dev.rafiki.agent.control.AgentLoop}), and the catalogue that resolves a model name to a
 * configured provider (echo, OpenAI-compatible, Anthropic) with its limits
 * ({@link dev.rafiki.agent.control.ModelCatalog}).
 */
package dev.rafiki.agent.control;
