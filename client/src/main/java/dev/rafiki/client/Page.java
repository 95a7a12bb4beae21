package dev.rafiki.client;

import java.util.List;

/**
 * One page of a list; {@code nextCursor} (null on the last page) is what to pass as {@code after}
 * for the next one.
 */
public record Page<T>(List<T> items, String nextCursor) {

    public boolean last() {
        return nextCursor == null;
    }
}
