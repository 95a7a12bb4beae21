/** Hibernate's integration with the application server: the pieces a container cannot supply itself, found at run time so one build runs on every server. */
package dev.rafiki.platform.jpa;
