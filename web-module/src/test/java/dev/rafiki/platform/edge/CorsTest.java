package dev.rafiki.platform.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CorsTest {

    /** What the filter wrote: headers (case-insensitive, every value kept) and the status. */
    static final class Written {
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int status = 200;

        String header(String name) {
            var values = headers.get(name);
            return values == null ? null : values.get(values.size() - 1);
        }

        HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(CorsTest.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setHeader" -> headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
                            case "addHeader" -> headers.computeIfAbsent((String) args[0], k -> new ArrayList<>()).add((String) args[1]);
                            case "setStatus" -> status = (Integer) args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                        return null;
                    });
        }
    }

    static HttpServletRequest request(String method, Map<String, String> headers) {
        var byName = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return (HttpServletRequest) Proxy.newProxyInstance(CorsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getHeader" -> byName.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static final Cors ONE_APP = new Cors(Cors.origins(" https://app.example , https://admin.example,"), false, 600);

    @Test
    void theAllowListIsExactAndTrimmed() {
        assertEquals(Set.of("https://app.example", "https://admin.example"), Cors.origins(" https://app.example , https://admin.example,"));
        assertTrue(ONE_APP.allows("https://app.example"));
        assertFalse(ONE_APP.allows("https://app.example.evil"), "no prefix match");
        assertFalse(ONE_APP.allows("http://app.example"), "another scheme is another origin");
        assertFalse(ONE_APP.allows("null"), "an opaque origin");
        assertFalse(ONE_APP.allows(null));
        assertFalse(new Cors(Cors.origins(""), false, 600).allows("https://app.example"), "empty: closed");
    }

    @Test
    void anAllowedPageReadsEveryAnswerWithTheHeadersItNeeds() {
        var written = new Written();
        ONE_APP.decorate(request("GET", Map.of("Origin", "https://app.example")), written.response());
        assertEquals("https://app.example", written.header("Access-Control-Allow-Origin"));
        assertEquals("Origin", written.header("Vary"));
        assertTrue(written.header("Access-Control-Expose-Headers").contains("Retry-After"));
        assertTrue(written.header("Access-Control-Expose-Headers").contains("RateLimit"));
        assertNull(written.header("Access-Control-Allow-Credentials"), "credentials are off unless configured");
    }

    @Test
    void anotherPageGetsNothingButVary() {
        var written = new Written();
        ONE_APP.decorate(request("GET", Map.of("Origin", "https://evil.example")), written.response());
        assertNull(written.header("Access-Control-Allow-Origin"));
        assertNull(written.header("Access-Control-Expose-Headers"));
        // a cache must not hand the allowed page's answer to this one, nor the reverse
        assertEquals("Origin", written.header("Vary"));
    }

    @Test
    void aRequestWithoutOriginIsNotTouched() {
        var written = new Written();
        ONE_APP.decorate(request("GET", Map.of()), written.response());
        assertTrue(written.headers.isEmpty());
    }

    @Test
    void aWildcardWithCredentialsEchoesThePageInsteadOfAStar() {
        var written = new Written();
        new Cors(Set.of("*"), true, 600).decorate(request("GET", Map.of("Origin", "https://any.example")), written.response());
        assertEquals("https://any.example", written.header("Access-Control-Allow-Origin"), "the Fetch standard forbids * with credentials");
        assertEquals("true", written.header("Access-Control-Allow-Credentials"));

        var open = new Written();
        new Cors(Set.of("*"), false, 600).decorate(request("GET", Map.of("Origin", "https://any.example")), open.response());
        assertEquals("*", open.header("Access-Control-Allow-Origin"));
        assertNull(open.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void aPreflightIsAnOptionsWithOriginAndRequestMethod() {
        assertTrue(Cors.isPreflight(request("OPTIONS", Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "POST"))));
        assertFalse(Cors.isPreflight(request("OPTIONS", Map.of("Origin", "https://app.example"))), "no requested method");
        assertFalse(Cors.isPreflight(request("OPTIONS", Map.of("Access-Control-Request-Method", "POST"))), "no origin");
        assertFalse(Cors.isPreflight(request("POST", Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "POST"))));
    }

    @Test
    void aPreflightIsAnsweredWith204TheMethodsTheHeadersAndTheMaxAge() {
        var written = new Written();
        new Cors(Set.of("https://app.example"), false, 42).preflight(request("OPTIONS", Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "PATCH")), written.response());
        assertEquals(204, written.status);
        assertEquals("https://app.example", written.header("Access-Control-Allow-Origin"));
        assertTrue(written.header("Access-Control-Allow-Methods").contains("PATCH"));
        for (var header : List.of("Authorization", "Content-Type", "Idempotency-Key", "Prefer", "Last-Event-ID")) {
            assertTrue(written.header("Access-Control-Allow-Headers").contains(header), header);
        }
        assertEquals("42", written.header("Access-Control-Max-Age"));
    }
}
