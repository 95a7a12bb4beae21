package dev.rafiki.platform.http;

/**
 * {@code limit} and {@code order} of a list route, read alike on every list so that a client pages
 * them all the same way (the cursor, {@code after}, is each list's own: an id or a name).
 */
public record PageRequest(int limit, boolean descending) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** {@code descendingByDefault}: the list's own order when {@code order} is absent. */
    public static PageRequest of(String limit, String order, boolean descendingByDefault) {
        return new PageRequest(Bodies.limit(limit, DEFAULT_LIMIT, MAX_LIMIT), Bodies.descending(order, descendingByDefault));
    }
}
