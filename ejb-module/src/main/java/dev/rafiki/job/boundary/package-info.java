/**
 * Submitting, reading and cancelling background jobs, and reading their artifacts. A delayed job
 * ({@code run_at}) waits as {@code scheduled}, outside its session's queue, and joins the queue
 * once, when the first node's {@link dev.rafiki.job.boundary.DueJobs} sees it due.
 */
package dev.rafiki.job.boundary;
