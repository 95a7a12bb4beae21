package dev.rafiki.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rafiki.it.support.Api;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.Checks;
import dev.rafiki.it.support.SharedServer;
import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * 50 sessions, 20 prompts each, all at once: in every session the prompts run one at a time, in
 * submission order, each exactly once, while the sessions run in parallel.
 */
class OrderingIT {

    static final int SESSIONS = 50;
    static final int PROMPTS = 20;

    @Test
    void promptsOfEachSessionRunInSubmissionOrderWithoutOverlap() throws Exception {
        var api = SharedServer.get().api("ordering-user");
        var sessions = new ArrayList<String>();
        for (int s = 0; s < SESSIONS; s++) {
            sessions.add(api.createSession());
        }
        var pool = Executors.newFixedThreadPool(SESSIONS);
        try {
            var submissions = new ArrayList<Callable<List<String>>>();
            for (int s = 0; s < SESSIONS; s++) {
                var sessionId = sessions.get(s);
                int session = s;
                submissions.add(() -> submitAll(api, sessionId, prompts(session)));
            }
            var accepted = new ArrayList<List<String>>();
            for (var future : pool.invokeAll(submissions)) {
                accepted.add(future.get());
            }
            for (int s = 0; s < SESSIONS; s++) {
                var sessionId = sessions.get(s);
                Await.until("session " + sessionId + " to drain", Duration.ofSeconds(120),
                        () -> api.get("/session/" + sessionId).json(),
                        state -> "idle".equals(state.getString("status")));
                Checks.ranInOrderOnce(api, sessionId, accepted.get(s), prompts(s));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Submits one session's prompts one after another, each accepted before the next is sent. */
    static List<String> submitAll(Api api, String sessionId, List<String> prompts) {
        var ids = new ArrayList<String>();
        for (var prompt : prompts) {
            var body = Json.createObjectBuilder().add("prompt", prompt).add("session_id", sessionId).build();
            var response = api.post("/query", body.toString(), "Prefer", "respond-async");
            if (response.status() == 200 || response.status() == 202) {
                ids.add(response.json().getString("id"));
            } else {
                throw new AssertionError("submission answered " + response.status() + ": " + response.body());
            }
        }
        return ids;
    }

    static List<String> prompts(int session) {
        var prompts = new ArrayList<String>();
        for (int p = 0; p < PROMPTS; p++) {
            // a few milliseconds of "model time" each, so overlapping runs would show
            prompts.add("/slow 2 s" + session + " p" + p);
        }
        return prompts;
    }
}
