/**
 * Operational metrics, exported by the container's MicroProfile Metrics endpoint ({@code /metrics}).
 * <p>
 * Labels are bounded: routes are resource templates, never raw URLs; providers are the configured
 * ones; statuses are the few terminal ones. The queue depths, which need the database, are the
 * prompt feature's ({@code dev.rafiki.prompt.control.QueueDepths}, next to the statuses they count).
 */
package dev.rafiki.platform.metrics;
