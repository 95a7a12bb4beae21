/**
 * The edge: the one door every request and WebSocket handshake passes ({@link
 * dev.rafiki.platform.edge.EdgeFilter}). Guarantees: every request gets an id; a bearer token is
 * verified here or the request is refused here (401/403, after it drew on its address's rate
 * budget); each caller and each address draws from a token bucket per route class ({@link
 * dev.rafiki.platform.edge.RateLimiter}; 429 with {@code Retry-After} and the RateLimit fields),
 * shared by the nodes of a cluster through JCache (per node on WildFly, which has none); bodies over the configured limit are refused
 * before they are read in full; CORS answers only the origins configured, and a page of Rafiki's
 * own origin (the console) passes the WebSocket origin check; a user holds at most the configured
 * number of open streams on a node ({@link dev.rafiki.platform.edge.OpenStreams}). A setting that
 * is missing or means neither on nor off leaves a limit on: the edge fails closed.
 */
package dev.rafiki.platform.edge;
