/** Background jobs: what a job adds to the prompt it runs as (webhook, progress, metadata, dead-lettering). */
package dev.rafiki.job.entity;
