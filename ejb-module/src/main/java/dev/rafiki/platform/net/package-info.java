/**
 * Outbound requests to URLs that clients give (webhooks, the MCP servers of agent profiles): an
 * address is refused when it is a special-purpose one (RFC 6890), private networks only by the
 * operator's choice; judged when the URL is accepted and again whenever its name is resolved for a
 * request.
 */
package dev.rafiki.platform.net;
