package dev.rafiki.stream.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginCheckTest {

    @Test
    void clientsWithoutOriginAreNotBrowsersAndPass() {
        assertTrue(OriginCheck.allows(Set.of(), null));
        assertTrue(OriginCheck.allows(Set.of(), ""));
    }

    @Test
    void aBrowserOriginMustBeListed() {
        var allowed = Set.of("https://app.example.com");
        assertTrue(OriginCheck.allows(allowed, "https://app.example.com"));
        assertFalse(OriginCheck.allows(allowed, "https://evil.example.com"));
        assertFalse(OriginCheck.allows(Set.of(), "https://app.example.com"), "nothing listed: no browser origin");
    }

    @Test
    void aStarAllowsEveryOrigin() {
        assertTrue(OriginCheck.allows(Set.of("*"), "https://anything.example"));
    }
}
