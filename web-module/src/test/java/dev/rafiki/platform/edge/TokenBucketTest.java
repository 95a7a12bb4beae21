package dev.rafiki.platform.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.edge.TokenBucket.Limit;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    Limit limit = new Limit("read", 3, 0.5);

    @Test
    void aFullBucketAllowsItsCapacityThenRefuses() {
        var bucket = TokenBucket.full(limit, 0);
        for (int left = 2; left >= 0; left--) {
            var decision = bucket.take(limit, 0);
            assertTrue(decision.allowed());
            assertEquals(left, decision.remaining());
            bucket = decision.next();
        }
        var refused = bucket.take(limit, 0);
        assertFalse(refused.allowed());
        assertEquals(2, refused.retryAfterSeconds(), "one token takes 2 s at 0.5 per second");
        assertEquals(6, refused.resetSeconds(), "three tokens take 6 s");
    }

    @Test
    void tokensComeBackWithTimeButNeverBeyondTheCapacity() {
        var empty = new TokenBucket(0, 0);
        assertFalse(empty.take(limit, 1_999).allowed());
        assertTrue(empty.take(limit, 2_000).allowed());
        assertEquals(2, empty.take(limit, 3_600_000).remaining());
    }

    @Test
    void aClockThatGoesBackwardsAddsNothing() {
        var empty = new TokenBucket(0, 10_000);
        var decision = empty.take(limit, 0);
        assertFalse(decision.allowed());
        assertEquals(10_000, decision.next().updatedMillis());
    }

    @Test
    void theEncodingRoundTrips() {
        var bucket = new TokenBucket(1.25, 1234567890123L);
        assertEquals(bucket, TokenBucket.parse(bucket.encode()));
    }

    @Test
    void limitsNeedACapacityAndARefill() {
        assertThrows(IllegalArgumentException.class, () -> new Limit("x", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Limit("x", 1, 0));
        assertEquals(6, limit.windowSeconds());
    }

    @Test
    void routesFallIntoTheirClasses() {
        assertEquals(RouteClass.QUERY, RouteClass.of("POST", "/query"));
        assertEquals(RouteClass.SUBMIT, RouteClass.of("POST", "/submit"));
        assertEquals(RouteClass.STREAM, RouteClass.of("GET", "/ws"));
        assertEquals(RouteClass.STREAM, RouteClass.of("GET", "/query_stream"));
        assertEquals(RouteClass.STREAM, RouteClass.of("GET", "/events"));
        assertEquals(RouteClass.READ, RouteClass.of("GET", "/jobs/1/artifacts/a.txt"));
        assertEquals(RouteClass.READ, RouteClass.of("GET", "/session/1/events"));
        assertEquals(RouteClass.WRITE, RouteClass.of("POST", "/jobs/1/cancel"));
        assertEquals(RouteClass.WRITE, RouteClass.of("DELETE", "/session/1"));
        assertNull(RouteClass.of("GET", "/health/ready"));
        // a preflight is answered before the limiter; any other OPTIONS counts as a read
        assertEquals(RouteClass.READ, RouteClass.of("OPTIONS", "/query"));
        assertEquals(RouteClass.READ, RouteClass.of("OPTIONS", "/ws"));
    }

    @Test
    void corsAllowsListedOriginsOrAnyWithTheWildcard() {
        var open = new Cors(Set.of("*"), false, 600);
        var credentials = new Cors(Set.of("*"), true, 600);
        var listed = new Cors(Cors.origins(" https://a.example , https://b.example"), false, 600);
        assertTrue(open.allows("https://any.example"));
        assertTrue(credentials.allows("https://any.example"));
        assertTrue(listed.allows("https://b.example"));
        assertFalse(listed.allows("https://c.example"));
        assertFalse(listed.allows(null));
    }
}
