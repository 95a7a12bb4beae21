package dev.rafiki.it.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition of the system under test; fails with the last observed value. */
public final class Await {

    private Await() {
    }

    public static <T> T until(String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + value);
            }
            RafikiServer.sleep(50);
            value = probe.get();
        }
        return value;
    }
}
