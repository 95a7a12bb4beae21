package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(30));

    static RafikiException status(int status, String retryAfter) {
        return RafikiException.of(status, "{\"code\":\"x\"}", retryAfter, null);
    }

    @Test
    void aLostAnswerIsRetriedOnlyForIdempotentCalls() {
        var reset = RafikiException.connectionFailed(new SocketException("Connection reset"));
        assertNotNull(policy.pauseAfter(1, reset, true));
        assertNull(policy.pauseAfter(1, reset, false), "a create whose answer was lost may have happened");
    }

    @Test
    void aRefusedConnectionIsRetriedForAnyCall() {
        var refused = RafikiException.connectionFailed(new jakarta.ws.rs.ProcessingException(new ConnectException("refused")));
        assertNotNull(policy.pauseAfter(1, refused, false));
    }

    @Test
    void busyAnswersWaitWhatTheServerAsks() {
        assertEquals(Duration.ofSeconds(2), policy.pauseAfter(1, status(503, "2"), false));
        assertEquals(Duration.ofSeconds(7), policy.pauseAfter(2, status(429, "7"), true));
        assertNull(policy.pauseAfter(1, status(429, "3600"), true), "a spent budget is not waited for");
        var backoff = policy.pauseAfter(1, status(503, null), true);
        assertTrue(backoff.toMillis() >= 50 && backoff.toMillis() <= 100, backoff.toString());
    }

    @Test
    void otherRefusalsAreFinal() {
        for (int code : new int[] {400, 401, 403, 404, 409, 413, 500}) {
            assertNull(policy.pauseAfter(1, status(code, "1"), true), "HTTP " + code);
        }
    }

    @Test
    void triesAreBoundedAndTheBackoffGrowsToItsMaximum() {
        var reset = RafikiException.connectionFailed(new SocketException("reset"));
        assertNull(policy.pauseAfter(4, reset, true));
        for (int attempt = 1; attempt < 30; attempt++) {
            var pause = policy.backoff(attempt);
            long base = Math.min(1000, 100L << Math.min(attempt - 1, 20));
            assertTrue(pause.toMillis() >= base / 2 && pause.toMillis() <= base, attempt + ": " + pause);
        }
        assertNull(RetryPolicy.none().pauseAfter(1, reset, true));
    }
}
