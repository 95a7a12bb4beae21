package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RafikiExceptionTest {

    @Test
    void aProblemBodyGivesItsMembers() {
        var e = RafikiException.of(409, """
                {"type":"https://rafiki.dev/problems/queue-full","title":"Queue full","status":409,
                 "code":"queue-full","detail":"100 prompts wait","request_id":"r-1","queue_length":100}""", null, "r-header");
        assertEquals(409, e.status());
        assertEquals("queue-full", e.code());
        assertEquals("Queue full", e.title());
        assertEquals("100 prompts wait", e.detail());
        assertEquals("r-1", e.requestId(), "the body's id, which the server logged");
        assertEquals(100, e.problem().getInt("queue_length"));
        assertTrue(e.retryAfter().isEmpty());
        assertFalse(e.transientFailure());
        assertEquals("409 queue-full: 100 prompts wait (request r-1)", e.getMessage());
    }

    @Test
    void retryAfterComesFromTheHeaderElseTheBody() {
        var header = RafikiException.of(429, "{\"code\":\"rate-limited\",\"retry_after\":9}", "3", null);
        assertEquals(Duration.ofSeconds(3), header.retryAfter().orElseThrow());
        var body = RafikiException.of(429, "{\"code\":\"rate-limited\",\"retry_after\":2.5}", null, null);
        assertEquals(Duration.ofMillis(2500), body.retryAfter().orElseThrow());
        assertTrue(body.transientFailure());
        var date = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        var dated = RafikiException.of(503, "", date, null).retryAfter().orElseThrow();
        assertTrue(dated.toSeconds() >= 28 && dated.toSeconds() <= 30, dated.toString());
        assertTrue(RafikiException.of(503, "", "soon", null).retryAfter().isEmpty());
    }

    @Test
    void anAnswerWithoutAProblemIsNamedByItsStatus() {
        var proxy = RafikiException.of(502, "<html>Bad gateway</html>", null, "req-9");
        assertEquals("http-502", proxy.code());
        assertEquals("<html>Bad gateway</html>", proxy.detail());
        assertEquals("req-9", proxy.requestId());
        assertEquals("HTTP 404", RafikiException.of(404, "", null, null).detail());
    }

    @Test
    void noAnswerIsStatusZero() {
        var e = RafikiException.connectionFailed(new java.net.ConnectException("Connection refused"));
        assertEquals(0, e.status());
        assertEquals(RafikiException.CONNECTION_FAILED, e.code());
        assertTrue(e.transientFailure());
    }
}
