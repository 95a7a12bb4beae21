package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MethodOverrideTest {

    @Test
    void aPostThatSaysPatchIsAPatch() {
        assertEquals("PATCH", MethodOverride.method("POST", "PATCH"));
        assertEquals("PATCH", MethodOverride.method("POST", " patch "));
        assertEquals("POST", MethodOverride.method("POST", null));
    }

    @Test
    void nothingElseIsOverridden() {
        assertEquals("POST", MethodOverride.method("POST", "DELETE"), "a POST never becomes a DELETE");
        assertEquals("POST", MethodOverride.method("POST", "PUT"));
        assertEquals("GET", MethodOverride.method("GET", "PATCH"), "a read never becomes a write");
        assertEquals("DELETE", MethodOverride.method("DELETE", "PATCH"));
    }
}
