/** Submitting, reading and cancelling background jobs, and reading their artifacts. */
package dev.rafiki.job.boundary;
