package dev.rafiki.console.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsoleServletTest {

    @Test
    void servesTheConsolesKindsOfFiles() {
        assertEquals("text/html;charset=UTF-8", ConsoleServlet.type("/index.html"));
        assertEquals("text/javascript;charset=UTF-8", ConsoleServlet.type("/js/views/chat.js"));
        assertEquals("text/css;charset=UTF-8", ConsoleServlet.type("/console.css"));
        assertEquals("image/svg+xml", ConsoleServlet.type("/icon.svg"));
    }

    @Test
    void refusesEverythingElse() {
        assertNull(ConsoleServlet.type("/../WEB-INF/web.xml"), "climbing out");
        assertNull(ConsoleServlet.type("/js/../../WEB-INF/lib/x.js"));
        assertNull(ConsoleServlet.type("/.hidden.js"));
        assertNull(ConsoleServlet.type("/js//main.js"));
        assertNull(ConsoleServlet.type("/js\\main.js"));
        assertNull(ConsoleServlet.type("/%2e%2e/x.js"));
        assertNull(ConsoleServlet.type("/README"), "no extension");
        assertNull(ConsoleServlet.type("/archive.jar"), "a type the console does not have");
        assertNull(ConsoleServlet.type(""));
    }

    @Test
    void thePolicyAllowsNothingInlineAndNothingFromElsewhere() {
        var policy = ConsoleServlet.POLICY;
        assertTrue(policy.startsWith("default-src 'none';"));
        assertTrue(policy.contains("script-src 'self';") && policy.contains("style-src 'self';"));
        assertTrue(policy.contains("frame-ancestors 'none'"));
        assertTrue(!policy.contains("unsafe") && !policy.contains("*") && !policy.contains("http"));
    }
}
