/**
 * A typed Java client of Rafiki's public API ({@link dev.rafiki.client.RafikiClient}), on the
 * Jakarta REST client API only. What it promises:
 * <ul>
 * <li>every failure is one exception, {@link dev.rafiki.client.RafikiException}, carrying the
 *     problem+json's {@code code}, {@code status}, {@code detail} and {@code retry_after};</li>
 * <li>a call is retried only where a second try cannot do harm ({@link dev.rafiki.client.RetryPolicy}):
 *     queries and submissions carry one {@code Idempotency-Key} across all their tries, so a prompt
 *     or job runs once however often its call is tried;</li>
 * <li>an event stream delivers each event after its start exactly once, in order, reconnecting
 *     from the cursor of the last event it delivered after any drop, restart or dead node
 *     ({@link dev.rafiki.client.EventStream});</li>
 * <li>a prompt sent over {@code /query_stream} ({@link dev.rafiki.client.QueryStream}) is sent
 *     again only until the server accepted it, always with one {@code idempotency_key}; after a
 *     drop the stream attaches to it after the last event delivered, so its events arrive exactly
 *     once, up to its end;</li>
 * <li>a download resumes where a dropped connection left it and is checked against the artifact's
 *     sha256; a webhook is trusted only once {@link dev.rafiki.client.WebhookVerifier} passed it.</li>
 * </ul>
 */
package dev.rafiki.client;
