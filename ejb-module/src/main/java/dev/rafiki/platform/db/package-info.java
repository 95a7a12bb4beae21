/** Schema lifecycle: Flyway migrates at start, Hibernate validates the mapping, never generates. */
package dev.rafiki.platform.db;
