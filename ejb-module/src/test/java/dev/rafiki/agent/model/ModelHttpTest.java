package dev.rafiki.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one mapping of HTTP error statuses every provider shares. */
class ModelHttpTest {

    static HttpHeaders headers(String... pairs) {
        var map = new java.util.HashMap<String, List<String>>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], List.of(pairs[i + 1]));
        }
        return HttpHeaders.of(Map.copyOf(map), (a, b) -> true);
    }

    @Test
    void statusesMapToStableCodes() {
        assertEquals("model-unauthorized", ModelHttp.statusError(401, "m", headers()).code());
        assertEquals("model-unauthorized", ModelHttp.statusError(403, "m", headers()).code());
        assertEquals("model-rate-limited", ModelHttp.statusError(429, "m", headers()).code());
        assertEquals("model-timeout", ModelHttp.statusError(408, "m", headers()).code());
        assertEquals("model-unavailable", ModelHttp.statusError(529, "m", headers()).code());
        assertEquals("model-unavailable", ModelHttp.statusError(503, "m", headers()).code());
        assertEquals("model-bad-request", ModelHttp.statusError(400, "m", headers()).code());
        assertEquals("model-bad-request", ModelHttp.statusError(422, "m", headers()).code());
        assertFalse(ModelHttp.statusError(401, "m", headers()).retryable());
        assertFalse(ModelHttp.statusError(400, "m", headers()).retryable());
        assertTrue(ModelHttp.statusError(408, "m", headers()).retryable());
        assertTrue(ModelHttp.statusError(500, "m", headers()).retryable());
    }

    @Test
    void serverErrorsHonourRetryAfterLikeRateLimits() {
        assertEquals(Duration.ofSeconds(4), ModelHttp.statusError(503, "m", headers("retry-after", "4")).retryAfter());
        assertEquals(Duration.ofSeconds(4), ModelHttp.statusError(429, "m", headers("retry-after", "4")).retryAfter());
    }

    @Test
    void retryAfterForms() {
        assertEquals(Optional.of(Duration.ofSeconds(3)), ModelHttp.retryAfter(headers("retry-after", "3")));
        assertEquals(Optional.of(Duration.ofMillis(1500)), ModelHttp.retryAfter(headers("retry-after", " 1.5 ")));
        assertEquals(Optional.of(Duration.ofMillis(250)),
                ModelHttp.retryAfter(headers("retry-after", "9", "retry-after-ms", "250")), "the finer header wins");
        assertEquals(Optional.of(Duration.ZERO), ModelHttp.retryAfter(headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")));
        var inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        var wait = ModelHttp.retryAfter(headers("retry-after", inAMinute)).orElseThrow();
        assertTrue(wait.compareTo(Duration.ofSeconds(50)) > 0 && wait.compareTo(Duration.ofSeconds(61)) <= 0, wait.toString());
        assertEquals(Optional.empty(), ModelHttp.retryAfter(headers("retry-after", "-1")));
        assertEquals(Optional.empty(), ModelHttp.retryAfter(headers("retry-after", "soon")));
        assertEquals(Optional.empty(), ModelHttp.retryAfter(headers()));
        assertEquals(Optional.of(Duration.ofDays(1)), ModelHttp.retryAfter(headers("retry-after", "1e300")), "capped");
    }
}
