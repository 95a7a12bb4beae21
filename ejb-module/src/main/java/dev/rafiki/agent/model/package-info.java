/**
 * Language-model providers behind one provider-neutral interface: the OpenAI-compatible Chat
 * Completions API, the Anthropic Messages API and the offline echo model. Providers stream, never
 * hang (bounded connect and idle timeouts) and turn every provider failure into a
 * {@link dev.rafiki.agent.model.ModelException} with a stable code.
 */
package dev.rafiki.agent.model;
