package dev.rafiki.client;

/**
 * Which page of a list to read: {@code limit} (1 to 200; null: the server's 50), {@code after}
 * (the previous page's {@link Page#nextCursor()}; null: the first page), {@code order}
 * ({@code asc} or {@code desc}; null: the list's own default).
 */
public record ListOptions(Integer limit, String after, String order) {

    public static ListOptions first() {
        return new ListOptions(null, null, null);
    }

    public static ListOptions limit(int limit) {
        return new ListOptions(limit, null, null);
    }

    public ListOptions after(String cursor) {
        return new ListOptions(limit, cursor, order);
    }

    public ListOptions ascending() {
        return new ListOptions(limit, after, "asc");
    }

    public ListOptions descending() {
        return new ListOptions(limit, after, "desc");
    }

    Transport.Call applyTo(Transport.Call call) {
        return call.query("limit", limit).query("after", after).query("order", order);
    }
}
