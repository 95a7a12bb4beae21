package dev.rafiki.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class EchoModelTest {

    static final BooleanSupplier NEVER = () -> false;

    EchoModel model = new EchoModel();

    @Test
    void answersEchoOfThePromptWithWordCountsAsTokens() {
        var completion = model.complete("hello  wide\nworld", NEVER);

        assertEquals("echo: hello  wide\nworld", completion.text());
        assertEquals(3, completion.inputTokens());
        assertEquals(4, completion.outputTokens());
        assertFalse(completion.cancelled());
    }

    @Test
    void emptyPromptHasNoInputTokens() {
        var completion = model.complete("", NEVER);

        assertEquals("echo: ", completion.text());
        assertEquals(0, completion.inputTokens());
        assertEquals(1, completion.outputTokens());
    }

    @Test
    void tokensAreWhitespaceSeparatedWords() {
        assertEquals(0, EchoModel.tokens("  \t\n "));
        assertEquals(1, EchoModel.tokens(" one "));
        assertEquals(3, EchoModel.tokens("one\ttwo \n three"));
    }

    @Test
    void notADirectiveIsEchoedAsItIs() {
        for (var prompt : List.of("/slow fast words", "/slow 1234567 seven digits", "/slow 10", " /slow 10 x", "/slower 10 x")) {
            var completion = model.complete(prompt, NEVER);
            assertEquals("echo: " + prompt, completion.text(), prompt);
            assertFalse(completion.cancelled());
        }
    }

    @Test
    void slowDirectiveAnswersTheWordsWithoutTheDirective() {
        var completion = model.complete("/slow 1 one   two\nthree", NEVER);

        assertEquals("echo: one two three", completion.text());
        assertEquals(5, completion.inputTokens(), "the directive counts as input");
        assertEquals(4, completion.outputTokens());
        assertFalse(completion.cancelled());
    }

    @Test
    void slowDirectiveWaitsTheGivenTimePerWord() {
        long started = System.nanoTime();
        var completion = model.complete("/slow 40 a b c", NEVER);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals("echo: a b c", completion.text());
        assertTrue(elapsedMs >= 120, "3 words at 40 ms took only " + elapsedMs + " ms");
    }

    @Test
    void slowDirectivePollsCancellationForEveryWord() {
        var polls = new AtomicInteger();
        model.complete("/slow 0 a b c d", () -> polls.incrementAndGet() < 0);

        assertTrue(polls.get() >= 4, "polled " + polls.get() + " times for 4 words");
    }

    @Test
    void cancellationBeforeTheFirstWordAnswersAtOnceWithNoWords() {
        long started = System.nanoTime();
        var completion = model.complete("/slow 5000 a b c", () -> true);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertTrue(completion.cancelled());
        assertEquals("echo:", completion.text());
        assertEquals(1, completion.outputTokens());
        assertEquals(5, completion.inputTokens());
        assertTrue(elapsedMs < 2000, "cancellation took " + elapsedMs + " ms");
    }

    @Test
    void cancellationMidAnswerKeepsTheWordsSoFar() {
        var words = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        long started = System.nanoTime();
        BooleanSupplier afterAWhile = () -> System.nanoTime() - started > 100_000_000L;

        var completion = model.complete("/slow 30 " + String.join(" ", words), afterAWhile);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertTrue(completion.cancelled());
        var answered = Arrays.asList(completion.text().split(" "));
        assertEquals("echo:", answered.get(0));
        int kept = answered.size() - 1;
        assertTrue(kept >= 1 && kept < words.size(), "kept " + kept + " words: " + completion.text());
        assertEquals(words.subList(0, kept), answered.subList(1, answered.size()));
        assertEquals(kept + 1, completion.outputTokens());
        assertTrue(elapsedMs < words.size() * 30, "not stopped early: " + elapsedMs + " ms");
    }

    @Test
    void interruptionCountsAsCancellation() {
        Thread.currentThread().interrupt();
        try {
            var completion = model.complete("/slow 1000 a b", NEVER);
            assertTrue(completion.cancelled());
            assertEquals("echo:", completion.text());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is restored");
        } finally {
            Thread.interrupted();
        }
    }

    /** Takes 10 s: the cap itself is what is observed. Without it, this word would take 16 minutes. */
    @Test
    void wordDelayIsCappedAtTenSeconds() {
        long started = System.nanoTime();
        var completion = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> model.complete("/slow 999999 x", NEVER));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals("echo: x", completion.text());
        assertTrue(elapsedMs >= 10_000, "waited only " + elapsedMs + " ms");
    }
}
