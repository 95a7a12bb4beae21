/** The facade of agent profiles; the guarantees are stated in {@link dev.rafiki.profile.control}. */
package dev.rafiki.profile.boundary;
