package dev.rafiki.platform.http;

import java.util.regex.Pattern;

/** One byte range of a representation (RFC 9110 section 14): {@code first} to {@code last}, inclusive. */
public record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    public long length() {
        return last - first + 1;
    }

    public static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    /**
     * @return the range to send, or null to send the whole content (a header we do not understand,
     *         or several ranges, which the RFC lets a server answer in full)
     */
    public static ByteRange parse(String header, long size) throws Unsatisfiable {
        var matcher = SINGLE.matcher(header.strip());
        if (!matcher.matches()) {
            return null;
        }
        var from = matcher.group(1);
        var to = matcher.group(2);
        if (from.isEmpty() && to.isEmpty()) {
            return null;
        }
        if (from.isEmpty()) { // the last N bytes
            long suffix = Long.parseLong(to);
            if (suffix == 0 || size == 0) {
                throw new Unsatisfiable();
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        long first = Long.parseLong(from);
        if (first >= size) {
            throw new Unsatisfiable();
        }
        long last = to.isEmpty() ? size - 1 : Long.parseLong(to);
        if (last < first) {
            return null; // syntactically invalid: ignored, as the RFC asks
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /** If-None-Match: {@code *} or a list of entity tags, compared weakly. */
    public static boolean matches(String ifNoneMatch, String etag) {
        for (var tag : ifNoneMatch.split(",")) {
            var t = tag.strip();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
