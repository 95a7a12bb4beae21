/**
 * What runs behind a job: the tools only jobs have (artifacts, progress), the artifact store, the
 * job's reactions to its prompt's life (events, dead-lettering, webhooks) and webhook delivery.
 */
package dev.rafiki.job.control;
