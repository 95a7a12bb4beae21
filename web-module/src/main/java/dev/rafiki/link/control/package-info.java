/**
 * Signed links. Guarantees: a link opens exactly one download route (method, path) until its
 * expiry and nothing else; any change to it, or a rotated or unusable key, refuses it (403), an
 * expired one is 410; the key comes from the configuration or the data directory and fails
 * closed; a link carries no bearer token.
 */
package dev.rafiki.link.control;
