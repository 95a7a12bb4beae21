/**
 * Text on its way into the database: whatever characters a model or a tool produced, what leaves
 * {@link dev.rafiki.platform.text.StorableText} is stored on the first try.
 */
package dev.rafiki.platform.text;
