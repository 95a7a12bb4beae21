package dev.rafiki.agent.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The built-in offline model: answers {@code "echo: " + prompt}. It needs no network, so every
 * feature can be tried and tested without a model service.
 * <p>
 * A prompt starting with {@code /slow <ms>} is answered word by word, {@code ms} milliseconds
 * per word, the way a real model streams; this makes queues, stop and interruption observable
 * by hand and in tests. Cancellation is noticed between words and keeps the words so far.
 */
@ApplicationScoped
public class EchoModel {

    public static final String NAME = "echo";
    private static final Pattern SLOW = Pattern.compile("^/slow\\s+(\\d{1,6})\\s+(.*)$", Pattern.DOTALL);
    private static final long MAX_WORD_DELAY_MS = 10_000;

    public Completion complete(String prompt, BooleanSupplier cancelled) {
        var slow = SLOW.matcher(prompt);
        if (!slow.matches()) {
            var answer = "echo: " + prompt;
            return new Completion(answer, tokens(prompt), tokens(answer), false);
        }
        long delay = Math.min(Long.parseLong(slow.group(1)), MAX_WORD_DELAY_MS);
        var answer = new StringBuilder("echo:");
        for (var word : slow.group(2).strip().split("\\s+")) {
            if (!pause(delay, cancelled)) {
                return new Completion(answer.toString(), tokens(prompt), tokens(answer.toString()), true);
            }
            answer.append(' ').append(word);
        }
        return new Completion(answer.toString(), tokens(prompt), tokens(answer.toString()), false);
    }

    /** @return false if cancelled while waiting */
    private static boolean pause(long millis, BooleanSupplier cancelled) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(10, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !cancelled.getAsBoolean();
    }

    /** A crude but deterministic token count: whitespace-separated words. */
    static long tokens(String text) {
        var trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /** {@code cancelled}: the model stopped early and {@code text} is what it had produced. */
    public record Completion(String text, long inputTokens, long outputTokens, boolean cancelled) {
    }
}
