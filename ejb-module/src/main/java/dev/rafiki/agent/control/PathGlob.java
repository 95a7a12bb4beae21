package dev.rafiki.agent.control;

import java.util.ArrayList;
import java.util.List;

/**
 * A glob over a relative, {@code /}-separated path, as an approval rule matches a tool call's
 * argument: {@code *} stands for any characters within one segment, a segment {@code **} for any
 * number of whole segments (none included, so {@code drafts/**} matches {@code drafts} itself);
 * every other character stands for itself, case counts.
 * <p>
 * A value is matched in its normalised form ({@code .} and empty segments dropped). A value that
 * normalising cannot vouch for, because it could name a place other than it seems to (absolute,
 * with a {@code ..} segment or a backslash, control characters, very long), has no normal form:
 * the rule that asked decides what that means, always towards waiting for a person.
 */
public final class PathGlob {

    static final int MAX_GLOB_LENGTH = 500;
    static final int MAX_VALUE_LENGTH = 4096;

    private static final String ANY_SEGMENTS = "**";

    private final String text;
    private final List<String> segments;

    private PathGlob(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * @throws IllegalArgumentException with what is wrong, when the glob could never match a
     *                                  normalised path or is not a relative path pattern
     */
    public static PathGlob parse(String text) {
        if (text.isEmpty() || text.length() > MAX_GLOB_LENGTH) {
            throw new IllegalArgumentException("must be a glob of 1 to " + MAX_GLOB_LENGTH + " characters");
        }
        if (text.indexOf('\\') >= 0 || hasControl(text)) {
            throw new IllegalArgumentException("must not contain a backslash or control characters; separate segments with '/'");
        }
        if (text.startsWith("/")) {
            throw new IllegalArgumentException("must be relative to the workspace, without a leading '/'");
        }
        var segments = List.of(text.split("/", -1));
        for (var segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                // arguments are matched normalised: such a segment could never match anything
                throw new IllegalArgumentException("must not have empty, '.' or '..' segments");
            }
            if (segment.contains(ANY_SEGMENTS) && !segment.equals(ANY_SEGMENTS)) {
                throw new IllegalArgumentException("may use '**' only as a whole segment, as in 'drafts/**/*.md'");
            }
        }
        return new PathGlob(text, segments);
    }

    /**
     * The segments of a relative path with {@code .} and empty ones dropped (none: the workspace
     * itself), or null when the value is absolute, climbs with {@code ..}, holds a backslash or a
     * control character, or is too long to judge.
     */
    public static List<String> normalised(String value) {
        if (value.length() > MAX_VALUE_LENGTH || value.startsWith("/") || value.indexOf('\\') >= 0 || hasControl(value)) {
            return null;
        }
        var segments = new ArrayList<String>();
        for (var segment : value.split("/", -1)) {
            if (segment.equals("..")) {
                // even when it stays inside, a path that climbs is how a call gets out of a folder
                return null;
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return segments;
    }

    /** Whether the normalised path (from {@link #normalised}) matches. */
    public boolean matches(List<String> path) {
        // matched[i][j]: glob segments from i match path segments from j; bottom-up, so no backtracking blows up
        int g = segments.size();
        int p = path.size();
        var matched = new boolean[g + 1][p + 1];
        matched[g][p] = true;
        for (int i = g - 1; i >= 0; i--) {
            var segment = segments.get(i);
            for (int j = p; j >= 0; j--) {
                if (segment.equals(ANY_SEGMENTS)) {
                    matched[i][j] = matched[i + 1][j] || j < p && matched[i][j + 1];
                } else {
                    matched[i][j] = j < p && segmentMatches(segment, path.get(j)) && matched[i + 1][j + 1];
                }
            }
        }
        return matched[0][0];
    }

    /** {@code *} within one segment: the usual wildcard walk, going back to the last star on a mismatch. */
    static boolean segmentMatches(String pattern, String segment) {
        int p = 0;
        int s = 0;
        int star = -1;
        int resume = 0;
        while (s < segment.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = s;
            } else if (p < pattern.length() && pattern.charAt(p) == segment.charAt(s)) {
                p++;
                s++;
            } else if (star >= 0) {
                p = star + 1;
                s = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathGlob glob && glob.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
