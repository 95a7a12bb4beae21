package dev.rafiki.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathGlobTest {

    static boolean matches(String glob, String path) {
        var normalised = PathGlob.normalised(path);
        assertTrue(normalised != null, path + " has a normal form");
        return PathGlob.parse(glob).matches(normalised);
    }

    @Test
    void aStarStaysInOneSegment() {
        assertTrue(matches("drafts/*", "drafts/a.md"));
        assertFalse(matches("drafts/*", "drafts/sub/a.md"));
        assertTrue(matches("drafts/*.md", "drafts/.md"));
        assertTrue(matches("*.md", "a.b.md"));
        assertFalse(matches("*.md", "a.md.txt"));
        assertTrue(matches("d*s/*", "drafts/x"));
        assertFalse(matches("drafts/*", "drafts"), "a star is one segment, not none");
        assertTrue(matches("a*b*c", "aXXbYYbZc"));
        assertFalse(matches("a*b*c", "aXXbYYbZ"));
    }

    @Test
    void twoStarsCrossSegmentsNoneIncluded() {
        assertTrue(matches("drafts/**", "drafts/a.md"));
        assertTrue(matches("drafts/**", "drafts/a/b/c.md"));
        assertTrue(matches("drafts/**", "drafts"));
        assertFalse(matches("drafts/**", "draftsx/a"));
        assertTrue(matches("**/*.md", "a.md"));
        assertTrue(matches("**/*.md", "x/y/a.md"));
        assertFalse(matches("**/*.md", "x/y/a.txt"));
        assertTrue(matches("src/**/test/*.java", "src/test/A.java"));
        assertTrue(matches("src/**/test/*.java", "src/a/b/test/A.java"));
        assertFalse(matches("src/**/test/*.java", "src/a/b/test/x/A.java"));
        assertTrue(matches("**", ""), "the workspace itself");
        var many = "**/".repeat(10) + "*/x";
        assertTrue(matches(many, "a/".repeat(200) + "y/x"));
        assertFalse(matches(many, "a/".repeat(200) + "y/z"), "no blow-up either way");
    }

    @Test
    void literalCharactersMatchThemselvesAndCaseCounts() {
        assertFalse(matches("Drafts/**", "drafts/a"));
        assertTrue(matches("a?b/[x]", "a?b/[x]"));
        assertFalse(matches("a?b", "aXb"));
    }

    @Test
    void normalisingDropsDotsAndEmptySegmentsButNeverClimbs() {
        assertEquals(List.of("drafts", "a.md"), PathGlob.normalised("./drafts//a.md/"));
        assertEquals(List.of(), PathGlob.normalised("."));
        assertEquals(List.of(), PathGlob.normalised(""));
        assertNull(PathGlob.normalised("drafts/../x"));
        assertNull(PathGlob.normalised("drafts/a/../b"), "even when it stays inside");
        assertNull(PathGlob.normalised("/etc/passwd"));
        assertNull(PathGlob.normalised("drafts\\a"));
        assertNull(PathGlob.normalised("drafts/a\nb"));
        assertNull(PathGlob.normalised("a/".repeat(PathGlob.MAX_VALUE_LENGTH)));
        assertEquals(List.of("..a", "b.."), PathGlob.normalised("..a/b.."), "only a whole '..' segment climbs");
    }

    @Test
    void aGlobThatCouldNeverMatchIsRefused() {
        for (var glob : List.of("", "/abs/**", "a//b", "a/./b", "a/../b", "a/", "a\\b", "a**", "**b/c", "a/***",
                "x".repeat(PathGlob.MAX_GLOB_LENGTH + 1))) {
            assertThrows(IllegalArgumentException.class, () -> PathGlob.parse(glob), glob);
        }
    }
}
