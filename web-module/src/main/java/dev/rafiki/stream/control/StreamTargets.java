package dev.rafiki.stream.control;

import dev.rafiki.event.control.EventLog;
import dev.rafiki.event.control.StoredEvent;
import dev.rafiki.event.control.Subscription;
import dev.rafiki.job.boundary.Jobs;
import dev.rafiki.platform.http.BearerTokens;
import dev.rafiki.platform.http.Bodies;
import dev.rafiki.platform.http.ReadAccess;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import dev.rafiki.session.boundary.Sessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may follow what, the one rule of every stream route ({@code GET /events} as SSE or
 * WebSocket, {@code /ws}, {@code GET /session/{id}/events}):
 * <ul>
 * <li>a user token follows its own sessions, jobs and whole activity; an administrator's also any
 * user's session or job, never another user's whole activity;</li>
 * <li>a session's stream token follows that session only (and jobs in it);</li>
 * <li>a job's stream token follows that job's events only.</li>
 * </ul>
 * What a caller names is checked once, when the stream or subscription opens: a session or job the
 * reader does not own is a 404, as on every other route, so a stream cannot probe what exists.
 */
@ApplicationScoped
public class StreamTargets {

    @Inject
    Sessions sessions;

    @Inject
    Jobs jobs;

    @Inject
    EventLog log;

    /** What a stream follows: a session (all of it, or one job's events in it) or a user's activity. */
    public record Target(Subscription.Key key, UUID jobId) {

        public boolean wants(StoredEvent event) {
            return jobId == null || jobId.equals(event.promptId());
        }

        /** The name a WebSocket subscription goes by: {@code user}, {@code session:…} or {@code job:…}. */
        public String name() {
            return key.userWide() ? "user" : jobId != null ? "job:" + jobId : "session:" + key.sessionId();
        }
    }

    /**
     * What a client named: a session, a job, the user's whole activity ({@code user}), or nothing,
     * which means the token's own scope (its job, its session, else the user's activity).
     */
    public record Selection(String sessionId, String jobId, boolean user) {

        boolean none() {
            return !user && blank(sessionId) && blank(jobId);
        }
    }

    /** What the rule needs to know of sessions and jobs; the EJBs in the server, maps in tests. */
    interface Directory {

        Optional<String> sessionOwner(UUID sessionId);

        Optional<String> jobOwner(UUID jobId);

        /** Refuses (404) a session the reader does not own. */
        void requireSession(String reader, UUID sessionId);

        /** The job's session; refuses (404) a job the reader does not own. */
        UUID jobSession(String reader, UUID jobId);
    }

    public Target resolve(BearerTokens.Caller who, Selection selection) {
        return resolve(who, selection, new Directory() {
            @Override
            public Optional<String> sessionOwner(UUID sessionId) {
                return sessions.ownerOf(sessionId);
            }

            @Override
            public Optional<String> jobOwner(UUID jobId) {
                return jobs.ownerOf(jobId);
            }

            @Override
            public void requireSession(String reader, UUID sessionId) {
                sessions.owned(reader, sessionId);
            }

            @Override
            public UUID jobSession(String reader, UUID jobId) {
                return jobs.sessionOf(reader, jobId);
            }
        });
    }

    /** The cursor of the newest event of the target's stream: where "from now" starts. */
    public long current(Subscription.Key key) {
        return key.userWide() ? log.lastUserSeq(key.owner()) : log.lastSessionSeq(key.sessionId());
    }

    static Target resolve(BearerTokens.Caller who, Selection selection, Directory directory) {
        var sessionText = selection.sessionId();
        var jobText = selection.jobId();
        boolean user = selection.user();
        if (who.onlyJob() != null) {
            if (user || !blank(sessionText) || !blank(jobText) && !who.onlyJob().toString().equals(jobText.strip())) {
                throw new ApiException(ErrorCode.FORBIDDEN, "this token may only follow job " + who.onlyJob());
            }
            jobText = who.onlyJob().toString();
        } else if (who.scoped() && user) {
            throw onlySession(who);
        } else if (selection.none()) {
            if (who.scoped()) {
                sessionText = who.onlySession().toString();
            } else {
                user = true;
            }
        }
        if (user) {
            return new Target(Subscription.Key.user(who.subject()), null);
        }
        boolean admin = ReadAccess.admin(who);
        if (!blank(jobText)) {
            var jobId = Bodies.pathId(jobText.strip(), "job");
            var reader = ReadAccess.reader(who.subject(), admin, jobId, directory::jobOwner);
            var sessionId = directory.jobSession(reader, jobId);
            if (who.scoped() && !who.onlySession().equals(sessionId)) {
                throw onlySession(who);
            }
            return new Target(Subscription.Key.session(reader, sessionId), jobId);
        }
        var sessionId = Bodies.pathId(sessionText.strip(), "session");
        if (who.scoped() && !who.onlySession().equals(sessionId)) {
            throw onlySession(who);
        }
        var reader = ReadAccess.reader(who.subject(), admin, sessionId, directory::sessionOwner);
        directory.requireSession(reader, sessionId);
        return new Target(Subscription.Key.session(reader, sessionId), null);
    }

    private static ApiException onlySession(BearerTokens.Caller who) {
        return new ApiException(ErrorCode.FORBIDDEN, "this token may only follow session " + who.onlySession());
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
