/** Sessions: a user's conversation, its counters and the claim of the worker running its prompts. */
package dev.rafiki.session.entity;
