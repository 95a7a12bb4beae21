package dev.rafiki.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.platform.http.BearerTokens.Caller;
import dev.rafiki.platform.http.Roles;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one rule of every stream route, over sessions and jobs held in maps. */
class StreamTargetsTest {

    static final UUID ALICE_SESSION = UUID.randomUUID();
    static final UUID ALICE_OTHER_SESSION = UUID.randomUUID();
    static final UUID ALICE_JOB = UUID.randomUUID();
    static final UUID BOB_SESSION = UUID.randomUUID();
    static final UUID BOB_JOB = UUID.randomUUID();

    static final Map<UUID, String> SESSION_OWNERS = Map.of(ALICE_SESSION, "alice", ALICE_OTHER_SESSION, "alice", BOB_SESSION, "bob");
    static final Map<UUID, String> JOB_OWNERS = Map.of(ALICE_JOB, "alice", BOB_JOB, "bob");
    static final Map<UUID, UUID> JOB_SESSIONS = Map.of(ALICE_JOB, ALICE_SESSION, BOB_JOB, BOB_SESSION);

    static final StreamTargets.Directory DIRECTORY = new StreamTargets.Directory() {
        @Override
        public Optional<String> sessionOwner(UUID sessionId) {
            return Optional.ofNullable(SESSION_OWNERS.get(sessionId));
        }

        @Override
        public Optional<String> jobOwner(UUID jobId) {
            return Optional.ofNullable(JOB_OWNERS.get(jobId));
        }

        @Override
        public void requireSession(String reader, UUID sessionId) {
            if (!reader.equals(SESSION_OWNERS.get(sessionId))) {
                throw ApiException.notFound("session " + sessionId);
            }
        }

        @Override
        public UUID jobSession(String reader, UUID jobId) {
            if (!reader.equals(JOB_OWNERS.get(jobId))) {
                throw ApiException.notFound("job " + jobId);
            }
            return JOB_SESSIONS.get(jobId);
        }
    };

    static final Caller ALICE = new Caller("alice", Set.of(Roles.USER), null, null);
    static final Caller ADMIN = new Caller("root", Set.of(Roles.USER, Roles.ADMIN), null, null);
    static final Caller ALICE_SESSION_TOKEN = new Caller("alice", Set.of(), ALICE_SESSION, null);
    static final Caller ALICE_JOB_TOKEN = new Caller("alice", Set.of(), ALICE_SESSION, ALICE_JOB);

    static StreamTargets.Target resolve(Caller who, String session, String job, boolean user) {
        return StreamTargets.resolve(who, new StreamTargets.Selection(session, job, user), DIRECTORY);
    }

    static ErrorCode refusal(Caller who, String session, String job, boolean user) {
        return assertThrows(ApiException.class, () -> resolve(who, session, job, user)).code();
    }

    @Test
    void aUserFollowsTheirOwnSessionJobAndActivity() {
        var session = resolve(ALICE, ALICE_SESSION.toString(), null, false);
        assertEquals(Subscription.Key.session("alice", ALICE_SESSION), session.key());
        assertNull(session.jobId());
        assertEquals("session:" + ALICE_SESSION, session.name());

        var job = resolve(ALICE, null, ALICE_JOB.toString(), false);
        assertEquals(Subscription.Key.session("alice", ALICE_SESSION), job.key(), "a job is followed in its session's stream");
        assertEquals(ALICE_JOB, job.jobId());
        assertEquals("job:" + ALICE_JOB, job.name());

        assertEquals(Subscription.Key.user("alice"), resolve(ALICE, null, null, true).key());
        assertEquals(Subscription.Key.user("alice"), resolve(ALICE, null, null, false).key(), "nothing named: the whole activity");
    }

    @Test
    void anotherUsersSessionOrJobIsNotFoundNotForbidden() {
        assertEquals(ErrorCode.NOT_FOUND, refusal(ALICE, BOB_SESSION.toString(), null, false));
        assertEquals(ErrorCode.NOT_FOUND, refusal(ALICE, null, BOB_JOB.toString(), false));
        assertEquals(ErrorCode.NOT_FOUND, refusal(ALICE, UUID.randomUUID().toString(), null, false));
        assertEquals(ErrorCode.NOT_FOUND, refusal(ALICE, "not-a-uuid", null, false), "a malformed id is the same error as everywhere");
    }

    @Test
    void anAdministratorFollowsAnyUsersSessionOrJobButNotTheirWholeActivity() {
        assertEquals(Subscription.Key.session("bob", BOB_SESSION), resolve(ADMIN, BOB_SESSION.toString(), null, false).key());
        var job = resolve(ADMIN, null, BOB_JOB.toString(), false);
        assertEquals(Subscription.Key.session("bob", BOB_SESSION), job.key());
        assertEquals(BOB_JOB, job.jobId());
        assertEquals(Subscription.Key.user("root"), resolve(ADMIN, null, null, true).key(), "the activity is always the caller's own");
        assertEquals(ErrorCode.NOT_FOUND, refusal(ADMIN, UUID.randomUUID().toString(), null, false));
    }

    @Test
    void aSessionTokenFollowsItsSessionAndTheJobsInItOnly() {
        assertEquals(Subscription.Key.session("alice", ALICE_SESSION), resolve(ALICE_SESSION_TOKEN, null, null, false).key(),
                "nothing named: its own session");
        assertEquals(ALICE_JOB, resolve(ALICE_SESSION_TOKEN, null, ALICE_JOB.toString(), false).jobId());
        assertEquals(ErrorCode.FORBIDDEN, refusal(ALICE_SESSION_TOKEN, ALICE_OTHER_SESSION.toString(), null, false));
        assertEquals(ErrorCode.FORBIDDEN, refusal(ALICE_SESSION_TOKEN, null, null, true));
    }

    @Test
    void aJobTokenFollowsItsJobOnly() {
        var own = resolve(ALICE_JOB_TOKEN, null, null, false);
        assertEquals(ALICE_JOB, own.jobId(), "nothing named: its own job");
        assertEquals(ALICE_JOB, resolve(ALICE_JOB_TOKEN, null, " " + ALICE_JOB + " ", false).jobId());
        assertEquals(ErrorCode.FORBIDDEN, refusal(ALICE_JOB_TOKEN, ALICE_SESSION.toString(), null, false),
                "the session holds other prompts too");
        assertEquals(ErrorCode.FORBIDDEN, refusal(ALICE_JOB_TOKEN, null, UUID.randomUUID().toString(), false));
        assertEquals(ErrorCode.FORBIDDEN, refusal(ALICE_JOB_TOKEN, null, null, true));
    }

    @Test
    void aJobTargetWantsOnlyItsJobsEvents() {
        var job = resolve(ALICE, null, ALICE_JOB.toString(), false);
        assertTrue(job.wants(event(ALICE_JOB)));
        assertFalse(job.wants(event(UUID.randomUUID())));
        assertFalse(job.wants(event(null)));
        assertTrue(resolve(ALICE, ALICE_SESSION.toString(), null, false).wants(event(UUID.randomUUID())));
    }

    static StoredEvent event(UUID promptId) {
        return new StoredEvent("alice", ALICE_SESSION, 1, 1, promptId, "prompt.started", "{}", Instant.EPOCH);
    }
}
