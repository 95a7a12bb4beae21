package dev.rafiki.client;

/** Token and tool use; {@code toolSeconds} is the wall time spent in tools. */
public record Usage(long inputTokens, long outputTokens, long toolCalls, double toolSeconds) {
}
