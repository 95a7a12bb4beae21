/**
 * Sessions: owned by one user, each with its title, metadata, model and agent profile. What its
 * prompts are doing shows in its view through {@link dev.rafiki.session.control.SessionActivity},
 * which the prompt feature answers; its history, queue and forks are the prompt feature's
 * ({@code dev.rafiki.prompt.boundary.Conversations}). Before one is deleted,
 * {@link dev.rafiki.session.boundary.SessionDeleting} lets the features above end what runs in it.
 */
package dev.rafiki.session.boundary;
