/** The event log: every session event, numbered per session and per user, in commit order. */
package dev.rafiki.event.entity;
