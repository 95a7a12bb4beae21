/**
 * The HTTP side of the platform: the application, request ids, roles, metrics, query tokens, and
 * how client JSON comes in. Every request body and every WebSocket frame is read by one parser,
 * {@link dev.rafiki.platform.http.JsonInput}: exactly one JSON value, UTF-8, valid Unicode, no
 * NUL, no duplicate key, nesting and numbers bounded; anything else is a 400 problem before any
 * resource or endpoint sees it. {@link dev.rafiki.platform.http.Bodies} then reads typed fields.
 * Every list route reads {@code limit} and {@code order} through
 * {@link dev.rafiki.platform.http.PageRequest}, so they all page alike.
 */
package dev.rafiki.platform.http;
