package dev.rafiki.it;

import dev.rafiki.client.QueryRequest;
import dev.rafiki.client.RafikiClient;
import dev.rafiki.client.RetryPolicy;
import dev.rafiki.it.support.Await;
import dev.rafiki.it.support.Checks;
import dev.rafiki.it.support.SharedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * 50 sessions, 20 prompts each, all at once: in every session the prompts run one at a time, in
 * submission order, each exactly once, while the sessions run in parallel. Through the Java client.
 */
class OrderingIT {

    static final int SESSIONS = 50;
    static final int PROMPTS = 20;

    @Test
    void promptsOfEachSessionRunInSubmissionOrderWithoutOverlap() throws Exception {
        var server = SharedServer.get();
        // no retries: a submission the server refuses (a 429 or a 503 under this load) fails the
        // test, as it did when each one was a single HTTP request
        try (var rafiki = RafikiClient.builder(server.base()).token(server.tokenFor("ordering-user", "user"))
                .retries(RetryPolicy.none()).build()) {
            var sessions = new ArrayList<UUID>();
            for (int s = 0; s < SESSIONS; s++) {
                sessions.add(rafiki.sessions().create().id());
            }
            var pool = Executors.newFixedThreadPool(SESSIONS);
            try {
                var submissions = new ArrayList<Callable<List<UUID>>>();
                for (int s = 0; s < SESSIONS; s++) {
                    var sessionId = sessions.get(s);
                    int session = s;
                    submissions.add(() -> submitAll(rafiki, sessionId, prompts(session)));
                }
                var accepted = new ArrayList<List<UUID>>();
                for (var future : pool.invokeAll(submissions)) {
                    accepted.add(future.get());
                }
                for (int s = 0; s < SESSIONS; s++) {
                    var sessionId = sessions.get(s);
                    Await.until("session " + sessionId + " to drain", Duration.ofSeconds(120),
                            () -> rafiki.sessions().get(sessionId), state -> "idle".equals(state.status()));
                    Checks.ranInOrderOnce(rafiki, sessionId, accepted.get(s), prompts(s));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Submits one session's prompts one after another, each accepted before the next is sent. */
    static List<UUID> submitAll(RafikiClient rafiki, UUID sessionId, List<String> prompts) {
        var ids = new ArrayList<UUID>();
        for (var prompt : prompts) {
            ids.add(rafiki.start(QueryRequest.of(prompt).inSession(sessionId)).id());
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
