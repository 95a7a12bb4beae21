/**
 * The web console at {@code /console}: static ES modules, CSS and an icon from the WAR
 * ({@code webapp/console/}), served with a strict Content-Security-Policy, and no build step.
 * <p>
 * Guarantees: the page holds no privilege a client would not have. It calls the public API with
 * the bearer token the person signed in with, and opens its WebSockets with short-lived stream
 * tokens ({@code POST .../stream-token}), never with that bearer token in a URL. The one thing the
 * console adds to the server is the development-token offer ({@link dev.rafiki.console.control.DevTokenOffer}),
 * which exists only on a development server and only for a page on the same machine.
 */
package dev.rafiki.console;
