package dev.rafiki.platform.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SameOriginHandshakeTest {

    /** A request with these headers, as the container would hand it over. */
    static HttpServletRequest request(String scheme, Map<String, String> headers) {
        var byName = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return (HttpServletRequest) Proxy.newProxyInstance(SameOriginHandshakeTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getScheme" -> scheme;
                    case "getHeader" -> byName.get((String) args[0]);
                    case "getHeaders" -> byName.containsKey((String) args[0])
                            ? Collections.enumeration(List.of(byName.get((String) args[0]))) : Collections.emptyEnumeration();
                    case "getHeaderNames" -> Collections.enumeration(byName.keySet());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static Map<String, String> handshake(String origin, String host) {
        return Map.of("Upgrade", "websocket", "Connection", "Upgrade", "Origin", origin, "Host", host);
    }

    @Test
    void thePagesOfTheServersOwnOriginPass() {
        assertTrue(SameOriginHandshake.applies(request("http", handshake("http://127.0.0.1:8080", "127.0.0.1:8080"))));
        assertTrue(SameOriginHandshake.applies(request("https", handshake("https://Rafiki.example", "rafiki.example"))));
    }

    @Test
    void everyOtherHandshakeKeepsItsOriginForTheAllowList() {
        assertFalse(SameOriginHandshake.applies(request("http", handshake("http://evil.example", "127.0.0.1:8080"))));
        assertFalse(SameOriginHandshake.applies(request("http", handshake("http://127.0.0.1:9999", "127.0.0.1:8080"))), "another port");
        assertFalse(SameOriginHandshake.applies(request("http", handshake("https://127.0.0.1:8080", "127.0.0.1:8080"))), "another scheme");
        assertFalse(SameOriginHandshake.applies(request("http", handshake("null", "127.0.0.1:8080"))), "an opaque origin");
        assertFalse(SameOriginHandshake.applies(request("http", Map.of("Origin", "http://127.0.0.1:8080", "Host", "127.0.0.1:8080"))),
                "not a WebSocket handshake");
        assertFalse(SameOriginHandshake.applies(request("http", Map.of("Upgrade", "websocket", "Host", "127.0.0.1:8080"))),
                "no Origin: not a browser, nothing to decide here");
    }

    @Test
    void theHandshakeGoesOnWithoutItsOrigin() {
        var wrapped = new SameOriginHandshake(request("http", handshake("http://127.0.0.1:8080", "127.0.0.1:8080")));
        assertNull(wrapped.getHeader("Origin"));
        assertNull(wrapped.getHeader("origin"));
        assertFalse(wrapped.getHeaders("Origin").hasMoreElements());
        assertFalse(Collections.list(wrapped.getHeaderNames()).stream().anyMatch("origin"::equalsIgnoreCase));
        assertEquals("websocket", wrapped.getHeader("Upgrade"));
        assertEquals(3, Collections.list(wrapped.getHeaderNames()).size());
    }
}
