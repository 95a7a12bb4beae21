/**
 * Operational metrics, exported by the container's MicroProfile Metrics endpoint ({@code /metrics}).
 * <p>
 * Labels are bounded: routes are resource templates, never raw URLs; providers are the configured
 * ones; statuses are the few terminal ones. Figures that need the database are read at most once
 * per {@code rafiki.metrics.refresh-seconds} per node, whatever the number of scrapers, and not at
 * all while nobody scrapes.
 */
package dev.rafiki.platform.metrics;
