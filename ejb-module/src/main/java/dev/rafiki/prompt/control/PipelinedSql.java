package dev.rafiki.prompt.control;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements of a unit as group commit sends them in one round trip with their COMMIT: a
 * fence must then fail its statement (and so the COMMIT after it) when it does not change exactly
 * one row, since nobody can look at its count before the COMMIT runs. The statements are the
 * application's own constants: no string literal or comment in them holds a parenthesis, a
 * question mark or a semicolon, which is what lets this class read them without a parser.
 */
final class PipelinedSql {

    /** A statement as sent in a pipeline, with how many parameters it takes. */
    record Part(String sql, int parameters) {
    }

    private record Shape(List<Part> parts, String last) {
    }

    private static final ConcurrentHashMap<String, Part> CHECKED = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Shape, String> PIPELINES = new ConcurrentHashMap<>();
    /** Unit shapes are few (their statements are constants); past this many, a pipeline is built each time. */
    private static final int MAX_PIPELINES = 64;
    private static final ConcurrentHashMap<String, Part> PLAIN = new ConcurrentHashMap<>();

    private PipelinedSql() {
    }

    /**
     * The fence {@code sql} (an UPDATE or INSERT, with or without a WITH list, without RETURNING) as
     * a statement that fails with SQLSTATE RF001 unless it changed exactly one row
     * ({@code rafiki_fence}, migration V17).
     */
    static Part checked(String sql) {
        return CHECKED.computeIfAbsent(sql, PipelinedSql::check);
    }

    /** A write as it is, with its parameter count. */
    static Part plain(String sql) {
        return PLAIN.computeIfAbsent(sql, s -> new Part(s, parameters(s)));
    }

    /**
     * {@code parts} and then {@code last} as one statement text, made once per shape of unit: it is
     * a few kilobytes, and every lone commit sends one.
     */
    static String pipeline(List<Part> parts, String last) {
        if (parts.isEmpty()) {
            return last;
        }
        var shape = new Shape(parts, last);
        var known = PIPELINES.get(shape);
        if (known != null) {
            return known;
        }
        var sql = new StringBuilder();
        for (var part : parts) {
            sql.append(part.sql()).append(";\n");
        }
        var made = sql.append(last).toString();
        if (PIPELINES.size() < MAX_PIPELINES) {
            PIPELINES.putIfAbsent(new Shape(List.copyOf(parts), last), made);
        }
        return made;
    }

    private static Part check(String sql) {
        var trimmed = sql.strip();
        if (trimmed.indexOf(';') >= 0) {
            throw new IllegalArgumentException("a fence is one statement: " + sql);
        }
        String with;
        String dml;
        if (trimmed.regionMatches(true, 0, "WITH", 0, 4) && Character.isWhitespace(trimmed.charAt(4))) {
            int split = endOfWithList(trimmed);
            with = trimmed.substring(0, split).strip() + ", ";
            dml = trimmed.substring(split).strip();
        } else {
            with = "WITH ";
            dml = trimmed;
        }
        if (dml.toUpperCase(java.util.Locale.ROOT).contains("RETURNING")) {
            throw new IllegalArgumentException("a fence's own RETURNING is group commit's: " + sql);
        }
        var checked = with + "rafiki_guard AS (" + dml + " RETURNING 1) SELECT rafiki_fence(count(*)) FROM rafiki_guard";
        return new Part(checked, parameters(trimmed));
    }

    /** Where the statement after a WITH list starts: after the first closing parenthesis at depth 0 not followed by a comma. */
    static int endOfWithList(String sql) {
        int depth = 0;
        for (int i = 4; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
                if (depth == 0) {
                    int next = i + 1;
                    while (next < sql.length() && Character.isWhitespace(sql.charAt(next))) {
                        next++;
                    }
                    if (next >= sql.length()) {
                        break;
                    }
                    if (sql.charAt(next) != ',') {
                        return i + 1;
                    }
                }
            }
        }
        throw new IllegalArgumentException("a WITH list without a statement after it: " + sql);
    }

    static int parameters(String sql) {
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '?') {
                n++;
            }
        }
        return n;
    }
}
