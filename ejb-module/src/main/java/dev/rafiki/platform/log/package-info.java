/**
 * Log lines that carry the identifiers of what they are about (request, session, prompt), in the
 * text format for people and as fields of the JSON format for machines ({@code RAFIKI_LOG_FORMAT}).
 */
package dev.rafiki.platform.log;
