package dev.rafiki.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebSocketConnectionTest {

    @Test
    void theSocketIsBesideTheApi() {
        assertEquals(URI.create("ws://127.0.0.1:8080/ws"), WebSocketConnection.uri(URI.create("http://127.0.0.1:8080"), "/ws"));
        assertEquals(URI.create("ws://127.0.0.1:8080/ws"), WebSocketConnection.uri(URI.create("http://127.0.0.1:8080/"), "/ws"));
        assertEquals(URI.create("wss://api.example/rafiki/query_stream"),
                WebSocketConnection.uri(URI.create("https://api.example/rafiki/"), "/query_stream"));
    }

    @Test
    void anErrorFrameIsItsProblem() {
        var frame = Json.createReader(new StringReader("""
                {"type":"error","code":"too-many-streams","title":"Too many streams","status":429,
                 "detail":"at most 20","retry_after":3,"request_id":"r-7"}""")).readObject();
        var problem = WebSocketConnection.problem(frame);
        assertEquals(429, problem.status());
        assertEquals("too-many-streams", problem.code());
        assertEquals(Duration.ofSeconds(3), problem.retryAfter().orElseThrow());
        assertEquals("r-7", problem.requestId());
    }
}
