/** Sessions: owned by one user, each with its state, message history and prompt queue. */
package dev.rafiki.session.boundary;
